import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import { turnWriteBatch, type HeldWrites } from './turn-write-batch.js';

/**
 * Writes to one `ws` WebSocket through the turn's write batch (one system call per socket per turn),
 * and tells how much the kernel has not taken: bytes held back until the end of the turn are not
 * late, so they do not count against the send limits.
 */
export class WebSocketTurnWriter {
  private readonly held: HeldWrites = { heldBytes: 0, corked: false, unsentBeforeHold: 0 };

  constructor(
    private readonly socket: WebSocket,
    /** The upgraded HTTP socket under `socket`. */
    private readonly netSocket: Socket,
  ) {}

  get bufferedAmount(): number {
    return this.held.corked ? this.held.unsentBeforeHold : this.socket.bufferedAmount;
  }

  /** The caller checks that the socket is open. */
  send(data: Buffer, binary: boolean): void {
    turnWriteBatch.hold(this.netSocket, this.held, data.length, this.socket.bufferedAmount);
    this.socket.send(data, { binary });
    turnWriteBatch.limit(this.netSocket, this.held);
  }

  /** What this turn held back goes now: before a close, or a terminate (which would drop it). */
  flush(): void {
    turnWriteBatch.release(this.netSocket, this.held);
  }
}
