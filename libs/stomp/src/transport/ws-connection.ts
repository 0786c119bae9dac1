import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { RawData, WebSocket } from 'ws';
import type { StompConnection, StompConnectionListener } from '../session/stomp-connection.js';
import { WebSocketTurnWriter } from './websocket-turn-writer.js';

const NOOP_LISTENER: StompConnectionListener = { onData() {}, onClose() {} };

export class WsConnection implements StompConnection {
  readonly transport = 'websocket';
  readonly remoteAddress: string | undefined;
  readonly headers: IncomingMessage['headers'];
  readonly url: string;
  private listener = NOOP_LISTENER;
  /** The upgraded HTTP socket: it counts the bytes, so the session need not count each frame. */
  private readonly netSocket: Socket;
  private readonly writer: WebSocketTurnWriter;

  constructor(
    private readonly socket: WebSocket,
    request: IncomingMessage,
    /** The client's address: the peer's, or the one a trusted proxy forwarded. */
    remoteAddress: string | undefined,
  ) {
    this.remoteAddress = remoteAddress;
    this.netSocket = request.socket;
    this.writer = new WebSocketTurnWriter(socket, request.socket);
    this.headers = request.headers;
    this.url = request.url ?? '/';
    socket.on('message', (data: RawData) => this.listener.onData(toBuffer(data)));
    socket.on('close', (code: number, reason: Buffer) => this.listener.onClose(code, reason.toString('utf8')));
    // 'close' follows every 'error'; the session learns of the end there.
    socket.on('error', ignoreError);
  }

  get protocol(): string {
    return this.socket.protocol;
  }

  get bufferedAmount(): number {
    return this.writer.bufferedAmount;
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
    this.writer.send(data, binary);
  }

  close(code: number, reason: string): void {
    this.writer.flush();
    this.socket.close(code, reason);
  }

  terminate(): void {
    // What was written before (an ERROR) still goes, as far as the kernel takes it.
    this.writer.flush();
    this.socket.terminate();
  }
}

/** One listener for every socket, not a closure per connection. */
function ignoreError(): void {}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
