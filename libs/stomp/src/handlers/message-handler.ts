import type { SendToUserMetadata } from './handler-metadata.js';
import type { DestinationPattern } from '../protocol/destination-pattern.js';
import type { StompContext } from './stomp-context.js';

/** Where a return value goes: `undefined` fields mean the annotation is absent. */
export interface ReplyTarget {
  /** `@SendTo` destinations; `[]`: `@SendTo()` without one, i.e. the default destination. */
  readonly sendTo: readonly string[] | undefined;
  readonly sendToUser: SendToUserMetadata | undefined;
}

/** A `@MessageExceptionHandler` method, bound to its instance. */
export interface ExceptionHandlerMethod extends ReplyTarget {
  readonly errorTypes: readonly Function[];
  readonly name: string;
  invoke(error: unknown, context: StompContext): unknown;
}

/** One `@MessageMapping` or `@SubscribeMapping` method, ready to call through Nest's enhancers. */
export interface MessageHandler extends ReplyTarget {
  readonly kind: 'message' | 'subscribe';
  /** Destination pattern without the application prefix. */
  readonly pattern: DestinationPattern;
  /** `Class.method`, for logs and errors. */
  readonly name: string;
  /** The `@MessageExceptionHandler` methods of the handler's class. */
  readonly exceptionHandlers: readonly ExceptionHandlerMethod[];
  invoke(payload: unknown, context: StompContext): Promise<unknown>;
}
