export interface IncompleteFrameLimits {
  /** Longest an incomplete frame may stay incomplete, in ms (option incompleteFrameTimeout). */
  readonly incompleteFrameTimeout: number;
  /** Fewest bytes per second a frame must arrive at while incomplete (option minFrameDataRate). */
  readonly minFrameDataRate: number;
}

/** How often the data rate of an incomplete frame is checked, at most. (`performance` is the global monotonic clock.) */
const RATE_WINDOW_MS = 5000;
/** Node may run a timer up to a millisecond before `performance.now()` says it is due. */
const TIMER_SLACK_MS = 1;

/**
 * Slowloris defence for one session: a client that opens a frame and drip-feeds it holds its
 * buffer and its connection for nothing. While a frame is incomplete, one timer checks, every
 * window, that it still arrives at `minFrameDataRate` and that it has not been incomplete for
 * longer than `incompleteFrameTimeout`. Whole frames (the usual case: one per WebSocket message)
 * never start the timer.
 */
export class IncompleteFrameWatch {
  private timer: NodeJS.Timeout | undefined;
  private since = 0;
  private windowStart = 0;
  private windowBytes = 0;
  /** Reported once: the session ends, nothing more is watched. */
  private stalled = false;

  constructor(
    private readonly limits: IncompleteFrameLimits,
    /** Called once with what was wrong; the watch is stopped by then. */
    private readonly onStall: (reason: string) => void,
  ) {}

  /** After a chunk was decoded: `pending` bytes of an incomplete frame are left over (0: none). */
  received(bytes: number, pending: number): void {
    if (pending === 0 || this.stalled) return this.stop();
    if (this.timer) {
      this.windowBytes += bytes;
      return;
    }
    this.since = this.windowStart = performance.now();
    this.windowBytes = 0;
    this.timer = setTimeout(() => this.check(), this.nextCheckIn()).unref();
  }

  /** A frame was completed: the next incomplete one starts its own clock. */
  frameCompleted(): void {
    this.stop();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private check(): void {
    this.timer = undefined;
    const stall = this.stallReason(performance.now());
    if (stall) {
      this.stalled = true;
      return this.onStall(stall);
    }
    this.windowStart = performance.now();
    this.windowBytes = 0;
    this.timer = setTimeout(() => this.check(), this.nextCheckIn()).unref();
  }

  private stallReason(now: number): string | undefined {
    const { incompleteFrameTimeout, minFrameDataRate } = this.limits;
    if (now - this.since + TIMER_SLACK_MS >= incompleteFrameTimeout) {
      return `A frame stayed incomplete for over ${incompleteFrameTimeout} ms (option incompleteFrameTimeout)`;
    }
    const rate = (this.windowBytes * 1000) / Math.max(now - this.windowStart, 1);
    if (rate < minFrameDataRate) {
      return `A frame arrives at ${Math.floor(rate)} bytes per second, under the minimum of ${minFrameDataRate} (option minFrameDataRate)`;
    }
    return undefined;
  }

  private nextCheckIn(): number {
    const left = this.limits.incompleteFrameTimeout - (performance.now() - this.since);
    return Math.max(1, Math.min(RATE_WINDOW_MS, left));
  }
}
