import type { Socket } from 'node:net';
import { WebSocket } from 'ws';

/** What a WebSocket handshake came to: 101 and an open socket, or the HTTP refusal (status and body). */
export interface Handshake {
  readonly status: number;
  readonly body?: string;
  readonly socket?: WebSocket;
}

/** Attempts a WebSocket handshake and reports the HTTP status and body of a refusal. */
export function wsHandshake(
  url: string,
  options: { headers?: Record<string, string>; protocols?: string[]; localAddress?: string } = {},
): Promise<Handshake> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, options.protocols ?? ['v12.stomp'], { headers: options.headers, localAddress: options.localAddress });
    socket.once('open', () => resolve({ status: 101, socket }));
    socket.once('unexpected-response', (_req, res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    socket.once('error', (error) => reject(error));
  });
}

/** The net socket under a `ws` client: pausing it stops reading, as a client that reads too slowly would. */
export function netSocketOf(socket: WebSocket): Socket {
  return (socket as unknown as { _socket: Socket })._socket;
}

/** Sends CONNECT on an open socket and resolves with the first frame the server answers (CONNECTED or ERROR). */
export function stompConnect(socket: WebSocket): Promise<string> {
  return new Promise((resolve) => {
    socket.on('message', function first(data: Buffer) {
      const text = data.toString('utf8');
      if (text.trim() === '') return;
      socket.off('message', first);
      resolve(text);
    });
    socket.send('CONNECT\naccept-version:1.2\nheart-beat:0,0\n\n\0');
  });
}
