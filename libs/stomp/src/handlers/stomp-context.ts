import type { StompHeaders } from '../protocol/stomp-frame.js';
import type { StompSession } from '../session/stomp-session.js';

/**
 * What a handler can know about the message it handles. It is the second argument of a handler
 * without parameter decorators, and the second of `ExecutionContext.getArgs()` for guards,
 * interceptors and filters (`context.getType() === 'stomp'`).
 */
export class StompContext {
  constructor(
    /** Destination the client sent to, prefix included (`/app/chat.send`). */
    readonly destination: string,
    /** Headers of the frame, unescaped. */
    readonly headers: StompHeaders,
    /** Raw body bytes. */
    readonly body: Buffer,
    /** Values of `{var}` placeholders in the matched mapping. */
    readonly variables: Readonly<Record<string, string>>,
    readonly session: StompSession,
  ) {}

  get sessionId(): string {
    return this.session.id;
  }
}
