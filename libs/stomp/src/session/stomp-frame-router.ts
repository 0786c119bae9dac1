import type { SessionOutlet } from '../interfaces/stomp-session.interface.js';
import type { StompHeaders } from '../protocol/stomp-frame.js';

/** Injection token of the session's router: the dispatcher, provided by the module. */
export const STOMP_FRAME_ROUTER = Symbol('STOMP_FRAME_ROUTER');

/**
 * Where a session hands the frames that carry messages. Protocol checks are done by then; the router
 * decides by destination (application handler or broker). It throws a `StompProtocolError` for a
 * destination it cannot serve; the session turns that into an ERROR frame.
 */
export interface StompFrameRouter {
  /** The session is about to be CONNECTED (its principal is known); a rejection refuses the CONNECT. */
  connect(session: SessionOutlet, headers: StompHeaders): void | Promise<void>;
  /** ACK or NACK outside a transaction. */
  acknowledge(session: SessionOutlet, command: 'ACK' | 'NACK', headers: StompHeaders): void | Promise<void>;
  /** Settles once the SEND took effect (its handler ran, or the broker confirmed the message). */
  send(session: SessionOutlet, destination: string, headers: StompHeaders, body: Buffer): void | Promise<void>;
  /**
   * Whether a SEND to `destination` goes straight to the broker, no handler involved: then the
   * session may go on before `send` settles. `false` for a destination `send` would refuse.
   */
  goesToBroker(destination: string): boolean;
  /** Throws as `send` would for a destination it cannot serve, without sending anything. */
  checkSend(session: SessionOutlet, destination: string): void;
  subscribe(session: SessionOutlet, subscriptionId: string, destination: string, headers: StompHeaders): void | Promise<void>;
  unsubscribe(session: SessionOutlet, subscriptionId: string, destination: string): void;
  /** Once per session, whatever ended it. */
  disconnected(session: SessionOutlet): void;
}
