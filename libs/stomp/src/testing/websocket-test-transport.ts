import { WebSocket } from 'ws';
import { STOMP_SUBPROTOCOLS } from '../protocol/stomp-version.js';
import type { TestTransport, TransportListener } from './test-transport.js';

/** How long a closing handshake may take before the socket is dropped. */
const CLOSE_GRACE_MS = 2000;

/** A raw WebSocket (`ws`) to a STOMP endpoint, offering every STOMP sub-protocol. */
export class WebSocketTestTransport implements TestTransport {
  private readonly closed: Promise<void>;

  private constructor(
    private readonly socket: WebSocket,
    listener: TransportListener,
  ) {
    socket.on('message', (data: Buffer, isBinary: boolean) => listener.onData(data, isBinary));
    this.closed = new Promise((resolve) => {
      socket.once('close', (code: number, reason: Buffer) => {
        listener.onClose(code, reason.toString());
        resolve();
      });
    });
    // After the handshake an error is followed by 'close', which reports it.
    socket.on('error', () => undefined);
  }

  static open(url: string, listener: TransportListener, headers?: Record<string, string>): Promise<WebSocketTestTransport> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, Object.keys(STOMP_SUBPROTOCOLS), { headers });
      const failed = (error: Error) => {
        socket.removeAllListeners();
        socket.on('error', () => undefined);
        socket.terminate();
        reject(error);
      };
      socket.once('error', failed);
      socket.once('unexpected-response', (_request, response) => {
        response.resume();
        failed(new Error(`the server answered the WebSocket handshake with HTTP ${response.statusCode}`));
      });
      socket.once('open', () => {
        socket.removeAllListeners();
        resolve(new WebSocketTestTransport(socket, listener));
      });
    });
  }

  send(frame: Buffer, binary: boolean): void {
    this.socket.send(frame, { binary });
  }

  async close(): Promise<void> {
    if (this.socket.readyState !== WebSocket.CLOSED) {
      this.socket.close();
      const drop = setTimeout(() => this.socket.terminate(), CLOSE_GRACE_MS);
      await this.closed;
      clearTimeout(drop);
    }
    await this.closed;
  }
}
