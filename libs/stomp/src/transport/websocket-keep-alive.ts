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
  /** `ws` calls it with the socket as `this`: one listener for every socket, not a closure each. */
  private readonly onPong: (this: WebSocket) => void;

  constructor(
    private readonly servers: readonly WebSocketServer[],
    private readonly interval: number,
    private readonly logger: Logger,
  ) {
    const unanswered = this.unanswered;
    this.onPong = function (this: WebSocket) {
      unanswered.delete(this);
    };
  }

  start(): void {
    if (this.interval === 0) return;
    this.timer = setInterval(() => this.sweep(), this.interval).unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private sweep(): void {
    // Straight over each server's own set, not a copy of all of them: with many sockets the copy
    // is garbage the size of the server. A socket closed here leaves the set only when its
    // 'close' comes, later.
    for (const wss of this.servers) {
      for (const socket of wss.clients) this.check(socket);
    }
  }

  private check(socket: WebSocket): void {
    if (socket.readyState !== socket.OPEN) return;
    if (this.unanswered.has(socket)) {
      this.logger.debug(`WebSocket connection closed: no answer to a ping within ${this.interval} ms (option pingInterval)`);
      socket.terminate();
      return;
    }
    if (!this.watched.has(socket)) {
      this.watched.add(socket);
      socket.on('pong', this.onPong);
    }
    this.unanswered.add(socket);
    socket.ping();
  }
}
