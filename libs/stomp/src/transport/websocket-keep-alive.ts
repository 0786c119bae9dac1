import type { Logger } from '@nestjs/common';
import type { WebSocket, WebSocketServer } from 'ws';

/**
 * Finds dead raw WebSocket peers whatever STOMP heart-beats the client agreed to (a client may
 * decline them): every `interval` ms each open socket is pinged, and one that has not answered
 * the previous ping (browsers and `ws` answer by themselves) is cut off. SockJS sessions have a
 * heart-beat of their own.
 */
export class WebSocketKeepAlive {
  /** Pinged at the last sweep, and silent since. */
  private readonly unanswered = new WeakSet<WebSocket>();
  private readonly watched = new WeakSet<WebSocket>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly wss: WebSocketServer,
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
    for (const socket of this.wss.clients) {
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
