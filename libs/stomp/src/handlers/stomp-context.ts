import type { ArgumentsHost } from '@nestjs/common';
import type { StompHeaders } from '../protocol/stomp-frame.js';
import type { SessionOutlet, StompSession } from '../interfaces/stomp-session.interface.js';

/** `ExecutionContext.getType()` of STOMP handlers, for guards, interceptors and filters. */
export const STOMP_CONTEXT_TYPE = 'stomp';

/**
 * The message a handler handles, and where it came from. A handler parameter typed `StompContext`
 * (or marked `@Message()`) receives it; guards, interceptors and filters find it with
 * {@link getStompContext}.
 */
export class StompContext {
  /** The session the frame came from. */
  readonly session: StompSession;

  constructor(
    /** What the frame was: a SEND (`@MessageMapping`) or a SUBSCRIBE (`@SubscribeMapping`). */
    readonly command: 'SEND' | 'SUBSCRIBE',
    /** Destination the client used, prefix included (`/app/chat.send`). */
    readonly destination: string,
    /** The destination the mapping matched: without the application prefix (`/chat.send`). */
    readonly lookupDestination: string,
    /** Headers of the frame, unescaped. */
    readonly headers: StompHeaders,
    /** Raw body bytes. */
    readonly body: Buffer,
    /** Values of `{var}` placeholders in the matched mapping. */
    readonly variables: Readonly<Record<string, string>>,
    /** @internal The same session, with delivery: how a `@SubscribeMapping` reply reaches it. */
    readonly outlet: SessionOutlet,
  ) {
    this.session = outlet;
  }

  get sessionId(): string {
    return this.session.id;
  }

  /** The SUBSCRIBE's `id` (for `@SubscribeMapping`). */
  get subscriptionId(): string | undefined {
    return this.command === 'SUBSCRIBE' ? (this.headers.id ?? this.destination) : undefined;
  }
}

/**
 * The STOMP message behind a guard's, interceptor's or exception filter's host, or `undefined` when
 * the host is not a STOMP handler (`host.getType() !== 'stomp'`).
 *
 * @example
 * canActivate(context: ExecutionContext) {
 *   const stomp = getStompContext(context);
 *   return stomp?.session.principal?.name === 'admin';
 * }
 */
export function getStompContext(host: ArgumentsHost): StompContext | undefined {
  if (host.getType<string>() !== STOMP_CONTEXT_TYPE) return undefined;
  const context = host.getArgByIndex<unknown>(1);
  return context instanceof StompContext ? context : undefined;
}
