import type { Logger } from '@nestjs/common';
import type { WebSocket, WebSocketServer } from 'ws';

/**
 * Finds dead WebSocket peers whatever STOMP heart-beats the client agreed to (a client may decline
 * them): every `interval` ms each open socket is pinged, and one that has not answered the previous
 * ping (browsers and `ws` answer by themselves) is cut off. Raw WebSocket and SockJS's WebSocket
 * transport alike: SockJS's `h` frames keep proxies from timing the connection out, but nothing
 * answers them. SockJS's HTTP transports end with their requests (`disconnectDelay`).
 */
export class WebSocketKeepAlive {
  /** Pinged at the last sweep, and silent since. */
  private readonly unanswered = new WeakSet<WebSocket>();
  private readonly watched = new WeakSet<WebSocket>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly servers: readonly WebSocketServer[],
    private readonly interval: number,
    private readonly logger: Logger,
  ) {}

  start(): void {
    if (this.interval === 0) return;
    this.timer = setInterval(() => this.sweep(), this.interval).unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private sweep(): void {
    for (const socket of this.servers.flatMap((wss) => [...wss.clients])) {
      if (socket.readyState !== socket.OPEN) continue;
      if (this.unanswered.has(socket)) {
        this.logger.debug(`WebSocket connection closed: no answer to a ping within ${this.interval} ms (option pingInterval)`);
        socket.terminate();
        continue;
      }
      if (!this.watched.has(socket)) {
        this.watched.add(socket);
        socket.on('pong', () => this.unanswered.delete(socket));
      }
      this.unanswered.add(socket);
      socket.ping();
    }
  }
}
