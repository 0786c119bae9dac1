import type { StompHeaders } from '../protocol/stomp-frame.js';
import type { StompSession } from '../session/stomp-session.js';

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
  | 'shutdown';

export type StompEvent =
  /** A CONNECT (or STOMP) frame arrived; CONNECTED is not sent yet. */
  | { readonly type: 'connect'; readonly session: StompSession; readonly headers: StompHeaders }
  /** CONNECTED was sent: the session is open. */
  | { readonly type: 'connected'; readonly session: StompSession }
  | { readonly type: 'subscribe'; readonly session: StompSession; readonly subscriptionId: string; readonly destination: string }
  | { readonly type: 'unsubscribe'; readonly session: StompSession; readonly subscriptionId: string; readonly destination: string }
  /** Exactly once per session that reached CONNECTED, whatever ended it. */
  | { readonly type: 'disconnect'; readonly session: StompSession; readonly reason: DisconnectReason }
  /** The broker became available (at start-up for the embedded one) or unavailable. */
  | { readonly type: 'broker-availability'; readonly available: boolean };

export type StompEventType = StompEvent['type'];
