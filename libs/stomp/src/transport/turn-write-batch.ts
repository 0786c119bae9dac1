import type { Socket } from 'node:net';

/**
 * Past this many bytes held back for one socket in one turn, they go out at once: a burst (a
 * replay written in one go) is not held in memory uncounted until the end of the turn.
 */
export const MAX_HELD_BYTES_PER_TURN = 64 * 1024;

/** A socket whose writes this turn are being held back, and how many bytes so far. */
export interface HeldWrites {
  heldBytes: number;
  corked: boolean;
  /**
   * What the socket had not sent yet when this turn's first write was held: while corked, exactly
   * what the kernel has not taken (the held bytes are not late, only waiting for the turn's end).
   */
  unsentBeforeHold: number;
}

/**
 * Holds a socket's writes back until the end of the current turn (the I/O callback or timer that
 * wrote them, with its microtasks), so that every frame written to it in that turn leaves in one
 * system call. A fan-out turn writes a MESSAGE to each subscriber for every SEND it decoded (a
 * publisher's chunk often holds several); `ws` writes each WebSocket message with a `writev` of its
 * own, and that system call is most of a delivery's cost. Corking the socket at its first write and
 * uncorking every corked socket from one `process.nextTick` turns those into one `writev` per
 * socket. A tick queued while the turn's promise continuations are pending runs after all of them
 * (Node drains the microtasks before the next tick), so a handler's asynchronous reply joins the
 * batch; and nothing waits for other sockets' I/O callbacks, as it would until a `setImmediate`.
 */
export class TurnWriteBatch {
  private readonly corked: { socket: Socket; held: HeldWrites }[] = [];
  private scheduled = false;
  private readonly flushAll = (): void => {
    this.scheduled = false;
    const corked = this.corked.splice(0);
    for (const { socket, held } of corked) release(socket, held);
  };

  /**
   * Call before writing `bytes` to `socket`: corks it for the rest of the turn on its first write.
   * `unsent`: what waits unsent for the socket now (ws's `bufferedAmount`).
   */
  hold(socket: Socket, held: HeldWrites, bytes: number, unsent: number): void {
    if (!held.corked) {
      held.corked = true;
      held.heldBytes = 0;
      held.unsentBeforeHold = unsent;
      socket.cork();
      this.corked.push({ socket, held });
      if (!this.scheduled) {
        this.scheduled = true;
        process.nextTick(this.flushAll);
      }
    }
    held.heldBytes += bytes;
  }

  /** After a write: a socket holding too much lets it go now (and corks again at its next write). */
  limit(socket: Socket, held: HeldWrites): void {
    if (held.heldBytes > MAX_HELD_BYTES_PER_TURN) this.release(socket, held);
  }

  /** Lets the socket's held writes go now: before a close, or past the limit. */
  release(socket: Socket, held: HeldWrites): void {
    // Its entry stays in the list: flushAll skips a socket no longer corked, and one corked again
    // meanwhile is let go with the rest.
    release(socket, held);
  }
}

function release(socket: Socket, held: HeldWrites): void {
  if (!held.corked) return;
  held.corked = false;
  held.heldBytes = 0;
  socket.uncork();
}

/** One batch for the process: the turn is the process's, and one tick serves every socket. */
export const turnWriteBatch = new TurnWriteBatch();
