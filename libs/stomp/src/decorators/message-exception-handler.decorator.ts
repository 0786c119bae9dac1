import { SetMetadata, type Type } from '@nestjs/common';
import { MESSAGE_EXCEPTION_HANDLER_METADATA } from '../handlers/handler-metadata.js';

/**
 * Handles errors thrown by the `@MessageMapping`/`@SubscribeMapping` handlers of the same class
 * (Spring's `@MessageExceptionHandler`), for the given error types or any error. It is called with
 * `(error, context: StompContext)`; its return value is routed like a handler's: to its own
 * `@SendTo`/`@SendToUser`, or else to the failed message's default destination. Nest exception
 * filters run first; this runs for errors they leave unhandled.
 *
 * @example
 * @MessageExceptionHandler(BadRequestException)
 * @SendToUser('/queue/errors', { broadcast: false })
 * invalid(error: BadRequestException) { return { error: error.message }; }
 */
export const MessageExceptionHandler = (...errorTypes: Type<unknown>[]): MethodDecorator =>
  SetMetadata(MESSAGE_EXCEPTION_HANDLER_METADATA, errorTypes);
