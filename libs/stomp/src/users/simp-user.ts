import type { StompPrincipal } from '../interfaces/stomp-principal.interface.js';

export interface SimpSubscription {
  readonly id: string;
  readonly destination: string;
  readonly sessionId: string;
  readonly userName: string;
}

/** One session of a user. `subscriptions` is read when accessed, from the live session (or the last news of its instance). */
export interface SimpSession {
  readonly id: string;
  readonly subscriptions: readonly SimpSubscription[];
}

/**
 * A connected user. A view, as Spring's `SimpUser`: `sessions` (and each session's `subscriptions`)
 * are read when accessed, so holding a user costs nothing and reading it later shows what is true
 * then. Copy them to keep a snapshot.
 */
export interface SimpUser {
  readonly name: string;
  /** The principal as authenticated; for a user connected only to another instance, only its name. */
  readonly principal: StompPrincipal;
  readonly sessions: readonly SimpSession[];
}
