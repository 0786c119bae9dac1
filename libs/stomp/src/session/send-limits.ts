import { performance } from 'node:perf_hooks';

/**
 * `sendBufferSizeLimit` and `sendTimeLimit` of one session: a client that does not read lets data
 * pile up in its transport's buffer; past either limit it is a slow consumer. Stuck means no
 * progress: a client that reads, if not as fast as data comes, restarts the clock each time less
 * waits than at the previous check (it then meets the size limit if it keeps falling behind).
 */
export class SendLimits {
  /** Since when the client has made no progress with data waiting (monotonic ms). */
  private stuckSince: number | undefined;
  private lastBuffered = 0;

  constructor(
    private readonly bufferSizeLimit: number,
    private readonly timeLimit: number,
  ) {}

  /** Call after each write with the transport's unsent bytes: why the client is too slow, or `undefined`. */
  check(buffered: number): string | undefined {
    const progressed = buffered < this.lastBuffered;
    this.lastBuffered = buffered;
    if (buffered === 0) {
      this.stuckSince = undefined;
      return undefined;
    }
    // A clock that jumps (NTP, a changed system time) must not make a healthy client look stuck.
    const now = performance.now();
    if (progressed || this.stuckSince === undefined) this.stuckSince = now;
    if (buffered > this.bufferSizeLimit) return `${buffered} bytes wait unsent, over the limit of ${this.bufferSizeLimit} (option sendBufferSizeLimit)`;
    if (now - this.stuckSince > this.timeLimit) return `sends have been stuck for over ${this.timeLimit} ms (option sendTimeLimit)`;
    return undefined;
  }
}
