import type { IncomingMessage } from 'node:http';
import type { RawData, WebSocket } from 'ws';
import type { StompConnection, StompConnectionListener } from '../session/stomp-connection.js';
import { closeFrame, HEARTBEAT_FRAME, OPEN_FRAME, parseClientMessages } from './sockjs-framing.js';
import type { SockJsMessageFrames } from './sockjs-message-frames.js';
import { WebSocketTurnWriter } from './websocket-turn-writer.js';

const NOOP_LISTENER: StompConnectionListener = { onData() {}, onClose() {} };

/** What sockjs closes the WebSocket with when a client's message is not JSON (no `c` frame first). */
const BROKEN_FRAMING = { code: 3000, reason: 'Broken framing.' } as const;

/**
 * A SockJS session on SockJS's WebSocket transport (`{path}/{server}/{session}/websocket`), served
 * on `ws` by the library instead of the `sockjs` package: sockjs quotes and frames every message
 * once per session and writes each with its own system call, where here a message's frame is made
 * once for all the sessions it goes to (`SockJsMessageFrames`) and `ws` writes it. Speaks what
 * sockjs speaks on that transport: `o` at once, `a["..."]` per message, `h` every `heartbeatDelay`,
 * `c[code,"reason"]` and a normal WebSocket close when the server ends the session. SockJS carries
 * text only: binary bodies travel as UTF-8 text.
 */
export class SockJsWebSocketConnection implements StompConnection {
  readonly transport = 'sockjs';
  readonly protocol = '';
  readonly headers: IncomingMessage['headers'];
  readonly url: string;
  /** STOMP bytes each way, as the HTTP transports of SockJS count them (their framing not included). */
  bytesReceived = 0;
  bytesSent = 0;
  private listener = NOOP_LISTENER;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly writer: WebSocketTurnWriter;

  constructor(
    private readonly socket: WebSocket,
    /** The opening request: its headers are those the session sees (all of them, unlike sockjs's dozen). */
    request: IncomingMessage,
    /** The client's address: the peer's, or the one a trusted proxy forwarded. */
    readonly remoteAddress: string | undefined,
    private readonly frames: SockJsMessageFrames,
    heartbeatDelay: number,
  ) {
    this.headers = request.headers;
    this.url = request.url ?? '/';
    this.writer = new WebSocketTurnWriter(socket, request.socket);
    // As sockjs's WebSocket receiver: the kernel's keep-alive finds a peer gone without a word.
    request.socket.setKeepAlive(true, 5000);
    socket.on('message', (data: RawData) => this.onMessage(data));
    socket.on('close', () => {
      clearInterval(this.heartbeat);
      this.listener.onClose(1000, '');
    });
    // 'close' follows every 'error'; the session learns of the end there.
    socket.on('error', () => undefined);
    socket.send(OPEN_FRAME, { binary: false });
    this.heartbeat = setInterval(() => this.sendFrame(HEARTBEAT_FRAME), heartbeatDelay).unref();
  }

  get bufferedAmount(): number {
    return this.writer.bufferedAmount;
  }

  listen(listener: StompConnectionListener): void {
    this.listener = listener;
  }

  send(data: Buffer): void {
    if (this.sendFrame(this.frames.frameOf(data))) this.bytesSent += data.length;
  }

  /** The SockJS close frame, then a normal WebSocket close, as sockjs ends a session on this transport. */
  close(code: number, reason: string): void {
    if (!this.sendFrame(closeFrame(code, reason))) return;
    clearInterval(this.heartbeat);
    this.writer.flush();
    this.socket.close(1000, 'Normal closure');
  }

  terminate(): void {
    clearInterval(this.heartbeat);
    this.writer.flush();
    this.socket.terminate();
  }

  private sendFrame(frame: Buffer): boolean {
    if (this.socket.readyState !== this.socket.OPEN) return false;
    this.writer.send(frame, false);
    return true;
  }

  /** Messages after the server began to close are dropped, as sockjs drops them. */
  private onMessage(data: RawData): void {
    if (this.socket.readyState !== this.socket.OPEN) return;
    const payload = textOf(data);
    if (payload.length === 0) return;
    const messages = parseClientMessages(payload);
    if (messages === undefined) {
      clearInterval(this.heartbeat);
      this.writer.flush();
      this.socket.close(BROKEN_FRAMING.code, BROKEN_FRAMING.reason);
      return;
    }
    for (const message of messages) {
      // A message may have ended the session (an ERROR): sockjs hands on no more after that.
      if (this.socket.readyState !== this.socket.OPEN) return;
      this.bytesReceived += Buffer.byteLength(message);
      this.listener.onData(message);
    }
  }
}

function textOf(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
