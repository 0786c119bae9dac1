import { performance } from 'node:perf_hooks';

/**
 * A token bucket of bytes: `perSecond` refill, holding at most one second's worth. A message may
 * overdraw it (so one message larger than the bucket still goes out); the next waits until the
 * debt is repaid. Over any span of T seconds, at most `perSecond × (T + 1)` bytes plus one message go out.
 */
export class ByteBudget {
  private tokens: number;
  private at: number;

  constructor(
    readonly perSecond: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = perSecond;
    this.at = now();
  }

  /** Milliseconds until a message may go out; 0: now. */
  get waitMs(): number {
    this.refill();
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens * 1000) / this.perSecond);
  }

  spend(bytes: number): void {
    this.refill();
    this.tokens -= bytes;
  }

  private refill(): void {
    const now = this.now();
    this.tokens = Math.min(this.perSecond, this.tokens + ((now - this.at) * this.perSecond) / 1000);
    this.at = now;
  }
}
