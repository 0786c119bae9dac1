/** One open session, as `StompAdmin.sessions()` lists it. */
export interface StompSessionInfo {
  readonly id: string;
  /** The principal's name; `undefined` for an anonymous session. */
  readonly user: string | undefined;
  /** The client's address, as the connection limits count it. */
  readonly address: string | undefined;
  readonly transport: 'websocket' | 'sockjs';
  readonly connected: boolean;
  /** When CONNECTED was sent; `undefined` while the session awaits CONNECT. */
  readonly connectedSince: Date | undefined;
  readonly subscriptions: readonly { readonly id: string; readonly destination: string }[];
  /** WebSocket: bytes on the wire; SockJS: STOMP bytes. */
  readonly bytesReceived: number;
  readonly bytesSent: number;
}

/** What `rebalance` is asked to do. */
export interface RebalanceOptions {
  /** Part of this instance's sessions to move, from 0 to 1. */
  readonly share: number;
  /** Over how many ms the closes are spread (evenly), so the clients do not all come back at once. Default 30 000. */
  readonly over?: number;
}

/** Between instances: close a session, or every session of a user, wherever it is. */
export interface AdminClusterMessage {
  readonly kind: 'stomp-admin-disconnect';
  readonly from: string;
  readonly sessionId?: string;
  readonly user?: string;
  readonly message: string;
}
