import type { StompHeaders } from '../protocol/stomp-frame.js';
import type { StompSession } from '../interfaces/stomp-session.interface.js';

/** Why a session ended. */
export type DisconnectReason =
  /** The client sent DISCONNECT. */
  | 'client'
  /** The server refused a frame (ERROR), or a heart-beat or time limit ran out. */
  | 'error'
  /** The connection dropped without DISCONNECT. */
  | 'transport'
  /** The client read too slowly: its send buffer or send time limit was exceeded (close 4500). */
  | 'slow-consumer'
  /** The application is shutting down. */
  | 'shutdown'
  /** The server closed it on purpose: an administrator disconnected it, or asked it to reconnect elsewhere (`StompAdmin`). */
  | 'admin';

/**
 * `S`: how the session is seen. Applications see the read-only `StompSession`; the stages below the
 * session (the user registry) see the same object with delivery.
 */
export type StompEvent<S extends StompSession = StompSession> =
  /** A CONNECT (or STOMP) frame arrived; CONNECTED is not sent yet. */
  | { readonly type: 'connect'; readonly session: S; readonly headers: StompHeaders }
  /** CONNECTED was sent: the session is open. */
  | { readonly type: 'connected'; readonly session: S }
  | { readonly type: 'subscribe'; readonly session: S; readonly subscriptionId: string; readonly destination: string }
  | { readonly type: 'unsubscribe'; readonly session: S; readonly subscriptionId: string; readonly destination: string }
  /** Exactly once per session that reached CONNECTED, whatever ended it. */
  | { readonly type: 'disconnect'; readonly session: S; readonly reason: DisconnectReason }
  /** The broker became available (at start-up for the embedded one) or unavailable. */
  | { readonly type: 'broker-availability'; readonly available: boolean };

export type StompEventType = StompEvent['type'];
