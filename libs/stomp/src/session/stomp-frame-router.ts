import type { StompHeaders } from '../protocol/stomp-frame.js';
import type { StompSession } from './stomp-session.js';

/**
 * Where a session hands the frames that carry messages. Protocol checks are done by then; the router
 * decides by destination (application handler or broker). It throws a `StompProtocolError` for a
 * destination it cannot serve; the session turns that into an ERROR frame.
 */
export interface StompFrameRouter {
  /** The session is about to be CONNECTED (its principal is known); a rejection refuses the CONNECT. */
  connect(session: StompSession, headers: StompHeaders): void | Promise<void>;
  /** ACK or NACK outside a transaction. */
  acknowledge(session: StompSession, command: 'ACK' | 'NACK', headers: StompHeaders): void | Promise<void>;
  send(session: StompSession, destination: string, headers: StompHeaders, body: Buffer): void | Promise<void>;
  /** Throws as `send` would for a destination it cannot serve, without sending anything. */
  checkSend(session: StompSession, destination: string): void;
  subscribe(session: StompSession, subscriptionId: string, destination: string, headers: StompHeaders): void | Promise<void>;
  unsubscribe(session: StompSession, subscriptionId: string, destination: string): void;
  /** Once per session, whatever ended it. */
  disconnected(session: StompSession): void;
}
