import type { SendToUserMetadata, StompMessageDoc } from './handler-metadata.js';
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
  /**
   * Calls the handler: its return value, or a promise of it (Nest's enhancer pipeline always
   * returns one; a handler without enhancers returns a plain value as it is, see
   * `createDirectInvoker`). A failure is thrown, or the promise rejects.
   */
  invoke(payload: unknown, context: StompContext): unknown;
  /** What the explorer read of the method for the AsyncAPI document; the dispatch never reads it. */
  readonly signature: HandlerSignature;
}

/**
 * A handler's declared types and documentation decorators, recorded once by the explorer (the
 * destination variables are the pattern's `variableNames`).
 */
export interface HandlerSignature {
  /** The payload parameter's position, after implicit parameters were given their meaning. */
  readonly payloadIndex: number | undefined;
  /** Its declared type (`design:paramtypes`): `undefined` without type information. */
  readonly payloadType: Function | undefined;
  /** `@Payload('property')`: the parameter is one property of the body, not the body. */
  readonly payloadProperty: string | undefined;
  /**
   * The declared return type (`design:returntype`): `'void'` when the method declares none (it
   * never replies), `undefined` without type information; `Promise` and `Observable` hide the value.
   */
  readonly returnType: Function | 'void' | undefined;
  /** `@AsyncApiPayload`. */
  readonly payloadDoc: StompMessageDoc | undefined;
  /** `@AsyncApiReply`. */
  readonly replyDoc: StompMessageDoc | undefined;
}
