import type { DestinationPattern } from '../messaging/destination-pattern.js';
import type { StompContext } from './stomp-context.js';

/** One `@MessageMapping` method, ready to call through Nest's guards, pipes, interceptors and filters. */
export interface MessageHandler {
  /** Destination pattern without the application prefix. */
  readonly pattern: DestinationPattern;
  /** `@SendTo` destinations; empty: the default destination. */
  readonly sendTo: readonly string[];
  /** `Class.method`, for logs and errors. */
  readonly name: string;
  invoke(payload: unknown, context: StompContext): Promise<unknown>;
}
