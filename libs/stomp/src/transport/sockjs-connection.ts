import type { IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import type { Connection } from 'sockjs';
import type { StompConnection, StompConnectionListener } from '../session/stomp-connection.js';

const NOOP_LISTENER: StompConnectionListener = { onData() {}, onClose() {} };

/**
 * What sockjs 0.3 keeps of a session, which it does not expose: the messages waiting for the next
 * poll (`send_buffer`, replaced by a fresh array each time it is flushed) and the receiver whose
 * network socket (`thingy`) carries them: an HTTP response's (SockJS's websocket transport is
 * SockJsWebSocketConnection's).
 */
interface SockJsSessionInternals {
  readonly send_buffer?: readonly string[];
  readonly recv?: { readonly thingy?: Socket | null } | null;
}

/**
 * SockJS carries text only: binary bodies travel as UTF-8 text. What waits unsent is counted as for
 * raw WebSocket (`bufferedAmount`), so the send limits bound every transport: messages sockjs holds
 * for a client that has not polled yet, plus what its current socket could not hand to the network.
 */
export class SockJsConnection implements StompConnection {
  readonly transport = 'sockjs';
  readonly protocol = '';
  private listener = NOOP_LISTENER;
  /** The `send_buffer` array last written to, and the bytes written to it since it was made. */
  private pendingBuffer: readonly string[] | undefined;
  private pendingBytes = 0;
  /** STOMP bytes each way (sockjs's own framing and HTTP not included: its sockets change with each request). */
  bytesReceived = 0;
  bytesSent = 0;

  constructor(
    private readonly conn: Connection,
    /** The client's address: the peer's, or the one a trusted proxy forwarded. */
    readonly remoteAddress: string | undefined,
    /** The headers of the request that opened the session (sockjs's own `conn.headers` keeps only a few). */
    readonly headers: IncomingHttpHeaders,
    /** How long a closed session's socket may stay stuck with unsent data before it is destroyed. */
    private readonly closeTimeout: number,
  ) {
    conn.on('data', (message: string) => {
      this.bytesReceived += Buffer.byteLength(message);
      this.listener.onData(message);
    });
    conn.on('close', () => this.listener.onClose(1000, ''));
  }

  get url(): string {
    return this.conn.url;
  }

  get bufferedAmount(): number {
    const internals = this.internals();
    const queued = internals?.send_buffer === this.pendingBuffer ? this.pendingBytes : 0;
    return queued + (internals?.recv?.thingy?.writableLength ?? 0);
  }

  listen(listener: StompConnectionListener): void {
    this.listener = listener;
  }

  send(data: Buffer): void {
    if (this.conn.readyState !== 1) return;
    this.conn.write(data.toString('utf8'));
    this.bytesSent += data.length;
    this.countQueued(data.length);
  }

  close(code: number, reason: string): void {
    const socket = this.internals()?.recv?.thingy ?? undefined;
    // The typings say string, but sockjs writes the value into JSON as given: a number reaches
    // the browser's CloseEvent as the number it is.
    (this.conn.close as unknown as (code: number, reason: string) => boolean).call(this.conn, code, reason);
    // sockjs then waits for the client with no deadline: one that stopped reading would keep its
    // socket, and all that is queued in it, for good.
    if (socket && !socket.destroyed && socket.writableLength > 0) {
      setTimeout(() => socket.destroy(), this.closeTimeout).unref();
    }
  }

  terminate(): void {
    const socket = this.internals()?.recv?.thingy ?? undefined;
    this.conn.destroy();
    socket?.destroy();
  }

  /**
   * Counts what was just queued for the client; sockjs replaces its queue by an empty one when it
   * flushes it to a receiver, so a queue we have not seen starts from what it holds now.
   */
  private countQueued(bytes: number): void {
    const queue = this.internals()?.send_buffer;
    if (queue === undefined || queue.length === 0) {
      this.pendingBuffer = queue;
      this.pendingBytes = 0;
      return;
    }
    if (queue !== this.pendingBuffer) {
      this.pendingBuffer = queue;
      this.pendingBytes = queue.length === 1 ? bytes : queue.reduce((sum, message) => sum + message.length, 0);
      return;
    }
    this.pendingBytes += bytes;
  }

  private internals(): SockJsSessionInternals | undefined {
    return (this.conn as unknown as { _session?: SockJsSessionInternals })._session;
  }
}
