import { WebSocket } from 'ws';
import { Wakeups } from './wakeups.js';

/**
 * A SockJS session over its WebSocket transport (`{path}/{server}/{session}/websocket`), spoken
 * by hand: `o` opens, `a[...]` carries messages, `c[code,"reason"]` closes.
 */
export class SockJsWebSocket {
  readonly messages: string[] = [];
  /** Every SockJS frame as it came, undecoded (`o`, `h`, `a[...]`, `c[...]`). */
  readonly frames: string[] = [];
  opened = false;
  sockJsClose: { code: number; reason: string } | undefined;
  closed = false;
  /** The WebSocket's own close code and reason, once closed. */
  webSocketClose: { code: number; reason: string } | undefined;
  private readonly wakeups = new Wakeups();

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => {
      const text = data.toString('utf8');
      this.frames.push(text);
      if (text === 'o') this.opened = true;
      else if (text.startsWith('a')) this.messages.push(...(JSON.parse(text.slice(1)) as string[]));
      else if (text.startsWith('c')) {
        const [code, reason] = JSON.parse(text.slice(1)) as [number, string];
        this.sockJsClose = { code, reason };
      }
      this.wakeups.wake();
    });
    socket.on('close', (code: number, reason: Buffer) => {
      this.closed = true;
      this.webSocketClose = { code, reason: reason.toString('utf8') };
      this.wakeups.wake();
    });
  }

  static open(baseWsUrl: string, path: string, headers?: Record<string, string>): Promise<SockJsWebSocket> {
    const session = Math.random().toString(36).slice(2, 10);
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(`${baseWsUrl}${path}/000/${session}/websocket`, { headers });
      socket.once('open', () => resolve(new SockJsWebSocket(socket)));
      socket.once('error', reject);
      socket.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode} at handshake`)));
    });
  }

  /** Sends one STOMP frame (text). */
  send(frame: string): void {
    this.socket.send(JSON.stringify([frame]));
  }

  /** Sends `text` as it is: what SockJS framing the test wants, or none. */
  sendRaw(text: string): void {
    this.socket.send(text);
  }

  async until(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
    await this.wakeups.until(condition, timeoutMs, () => new Error(`Timed out waiting for ${what}; SockJS messages so far: ${JSON.stringify(this.messages)}`));
  }
}
