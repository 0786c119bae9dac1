import type { IncomingHttpHeaders } from 'node:http';

export interface StompConnectionListener {
  onData(data: Buffer | string): void;
  onClose(code: number, reason: string): void;
}

/**
 * One client link, whatever carries it (raw WebSocket or SockJS): everything above the transport
 * talks to this and never learns which one it is.
 */
export interface StompConnection {
  readonly transport: 'websocket' | 'sockjs';
  /** The client's address: the socket's peer, or what a trusted proxy forwarded (option `trustProxy`). */
  readonly remoteAddress: string | undefined;
  /** Headers of the HTTP request that opened the connection (cookies, Authorization, Origin...). */
  readonly headers: IncomingHttpHeaders;
  /** Request URL (path and query). */
  readonly url: string;
  /** Negotiated WebSocket sub-protocol (`v12.stomp`...), or `''`. */
  readonly protocol: string;
  /** Bytes written but not yet handed to the network. */
  readonly bufferedAmount: number;
  /** Bytes received from the client so far (read by the transport, not counted per frame). */
  readonly bytesReceived: number;
  /** Bytes written to the client so far. */
  readonly bytesSent: number;
  /** Only one listener: the session that owns the connection. */
  listen(listener: StompConnectionListener): void;
  /** `binary` asks for a binary WebSocket message where the transport has them. */
  send(data: Buffer, binary: boolean): void;
  /** Closes after what was sent before has been flushed. */
  close(code: number, reason: string): void;
  /** Drops the connection at once, unflushed. */
  terminate(): void;
}
