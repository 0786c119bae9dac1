import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { RawData, WebSocket } from 'ws';
import type { StompConnection, StompConnectionListener } from '../session/stomp-connection.js';
import { turnWriteBatch, type HeldWrites } from './turn-write-batch.js';

const NOOP_LISTENER: StompConnectionListener = { onData() {}, onClose() {} };

export class WsConnection implements StompConnection {
  readonly transport = 'websocket';
  readonly remoteAddress: string | undefined;
  readonly headers: IncomingMessage['headers'];
  readonly url: string;
  private listener = NOOP_LISTENER;
  /** The upgraded HTTP socket: it counts the bytes, so the session need not count each frame. */
  private readonly netSocket: Socket;
  /** What this turn's writes hold back in the corked socket (see TurnWriteBatch). */
  private readonly held: HeldWrites = { heldBytes: 0, corked: false, unsentBeforeHold: 0 };

  constructor(
    private readonly socket: WebSocket,
    request: IncomingMessage,
    /** The client's address: the peer's, or the one a trusted proxy forwarded. */
    remoteAddress: string | undefined,
  ) {
    this.remoteAddress = remoteAddress;
    this.netSocket = request.socket;
    this.headers = request.headers;
    this.url = request.url ?? '/';
    socket.on('message', (data: RawData) => this.listener.onData(toBuffer(data)));
    socket.on('close', (code: number, reason: Buffer) => this.listener.onClose(code, reason.toString('utf8')));
    // 'close' follows every 'error'; the session learns of the end there.
    socket.on('error', () => undefined);
  }

  get protocol(): string {
    return this.socket.protocol;
  }

  /** What the kernel has not taken yet: bytes held back until the end of the turn are not late. */
  get bufferedAmount(): number {
    return this.held.corked ? this.held.unsentBeforeHold : this.socket.bufferedAmount;
  }

  /** On the wire: WebSocket framing (and the upgrade request) included. */
  get bytesReceived(): number {
    return this.netSocket.bytesRead;
  }

  /** On the wire: WebSocket framing (and the upgrade response) included. */
  get bytesSent(): number {
    return this.netSocket.bytesWritten;
  }

  listen(listener: StompConnectionListener): void {
    this.listener = listener;
  }

  send(data: Buffer, binary: boolean): void {
    if (this.socket.readyState !== this.socket.OPEN) return;
    turnWriteBatch.hold(this.netSocket, this.held, data.length, this.socket.bufferedAmount);
    this.socket.send(data, { binary });
    turnWriteBatch.limit(this.netSocket, this.held);
  }

  close(code: number, reason: string): void {
    turnWriteBatch.release(this.netSocket, this.held);
    this.socket.close(code, reason);
  }

  terminate(): void {
    // What was written before (an ERROR) still goes, as far as the kernel takes it.
    turnWriteBatch.release(this.netSocket, this.held);
    this.socket.terminate();
  }
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
