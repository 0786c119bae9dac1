import type { MessageFrameTemplate } from '../protocol/message-frame-template.js';
import type { StompFrame } from '../protocol/stomp-frame.js';
import type { StompVersion } from '../protocol/stomp-version.js';
import type { StompHandshake, StompPrincipal } from './stomp-principal.interface.js';

/**
 * One client's STOMP session, as the application sees it: in events, handler contexts,
 * interceptors and the session registry. Read-only but for `principal` (set at CONNECT) and the
 * application's own `attributes`.
 */
export interface StompSession {
  readonly id: string;
  /** Free for the application: anything it wants to keep with the session. */
  readonly attributes: Map<string, unknown>;
  /** Negotiated at CONNECT; 1.2 until then. */
  readonly version: StompVersion;
  /**
   * Who the session belongs to: set by `authenticate`, or by an inbound interceptor at CONNECT.
   * `undefined`: anonymous (its user destinations are the session's own).
   */
  principal: StompPrincipal | undefined;
  /** The user name of user destinations: the principal's, or the session id when anonymous. */
  readonly userName: string;
  readonly isConnected: boolean;
  readonly isClosed: boolean;
  /** Subscription ids of this session and their destinations. */
  readonly subscriptionDestinations: ReadonlyMap<string, string>;
  /** What carries the session. */
  readonly transport: 'websocket' | 'sockjs';
  /** The HTTP request that opened the connection. */
  readonly handshake: StompHandshake;
  /** Bytes written to the client and not yet handed to the network. */
  readonly bufferedAmount: number;
  /** When CONNECTED was sent, in ms since the epoch; `undefined` before. */
  readonly connectedAt: number | undefined;
  /** Bytes received from the client: on the wire for WebSocket, STOMP bytes for SockJS. */
  readonly bytesReceived: number;
  /** Bytes written to the client: on the wire for WebSocket, STOMP bytes for SockJS. */
  readonly bytesSent: number;
}

/**
 * A session as the stages below the session see it: the application's view, plus delivery of
 * encoded frames. Internal: applications never write frames to a session themselves.
 */
export interface SessionOutlet extends StompSession {
  /** Writes one encoded frame (a MESSAGE) to the client; `binary` asks for a binary WebSocket message. */
  deliver(frame: Buffer, binary: boolean): void;
  /** Writes one subscription's MESSAGE of a fan-out, encoded once per version by `template`; `ack`: its 1.2 `ack` header (client-acknowledged subscriptions). */
  deliverMessage(template: MessageFrameTemplate, subscriptionId: string, messageId: string, ack?: string): void;
  /** Writes one MESSAGE made for this session alone (its headers writable in the session's version). */
  deliverFrame(frame: StompFrame, binary: boolean): void;
  /** The broker lost this session (its relay connection dropped): the session ends with an ERROR saying why. */
  brokerLost(reason: string): void;
}
