import { STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;
type UpgradeListener = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

/** Returns `true` when it took the request; otherwise the server's earlier listeners get it. */
export interface HttpInterceptor {
  onRequest(req: IncomingMessage, res: ServerResponse): boolean;
  onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
}

/**
 * Puts `interceptor` in front of the HTTP server's 'request' and 'upgrade' listeners (the ones of
 * Express/Fastify and of any WebSocket adapter), passing on what it does not take. Running first
 * matters: `@nestjs/platform-ws`'s adapter destroys every upgrade request for a path it does not
 * know. Returns the function that restores the original listeners.
 */
export function interceptHttpServer(server: Server, interceptor: HttpInterceptor): () => void {
  const requestListeners = server.listeners('request') as RequestListener[];
  const upgradeListeners = server.listeners('upgrade') as UpgradeListener[];

  const onRequest: RequestListener = function (this: Server, req, res) {
    if (interceptor.onRequest(req, res)) return;
    for (const listener of requestListeners) listener.call(this, req, res);
  };
  const onUpgrade: UpgradeListener = function (this: Server, req, socket, head) {
    if (interceptor.onUpgrade(req, socket, head)) return;
    for (const listener of upgradeListeners) listener.call(this, req, socket, head);
    // Nobody else listens (plain Express/Fastify): answer, or the socket would hang open forever
    // and keep the server from closing.
    if (upgradeListeners.length === 0 && server.listenerCount('upgrade') === 1) refuseUpgrade(socket, 404);
  };

  server.removeAllListeners('request');
  server.removeAllListeners('upgrade');
  server.on('request', onRequest);
  server.on('upgrade', onUpgrade);

  return () => {
    server.off('request', onRequest);
    server.off('upgrade', onUpgrade);
    for (const listener of requestListeners) server.on('request', listener);
    for (const listener of upgradeListeners) server.on('upgrade', listener);
  };
}

export function pathnameOf(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/** Refuses an upgrade with an HTTP status (and `message` as the body) before any WebSocket handshake. */
export function refuseUpgrade(socket: Duplex, status: number, message: string = STATUS_CODES[status] ?? ''): void {
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(message)}\r\n\r\n${message}`,
  );
}
