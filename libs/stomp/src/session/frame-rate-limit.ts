import { performance } from 'node:perf_hooks';

/**
 * `maxFramesPerSecond` of one session: a token bucket that allows bursts of twice the rate. On a
 * monotonic clock: a system clock set back must not starve every session of tokens.
 */
export class FrameRateLimit {
  private tokens: number;
  private updatedAt = performance.now();

  constructor(private readonly perSecond: number) {
    this.tokens = 2 * perSecond;
  }

  /** Whether one more frame may pass now. */
  take(): boolean {
    const now = performance.now();
    this.tokens = Math.min(2 * this.perSecond, this.tokens + ((now - this.updatedAt) * this.perSecond) / 1000);
    this.updatedAt = now;
    if (this.tokens < 1) return false;
    this.tokens--;
    return true;
  }
}
