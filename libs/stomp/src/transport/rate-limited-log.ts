import { performance } from 'node:perf_hooks';

/**
 * Log lines that anyone on the network can trigger (a refused handshake), bounded: one line per key
 * per interval, and at most `maxLinesPerInterval` lines per interval in all, so that a flood of
 * requests (or of distinct keys) cannot flood the log. What was left out is counted in the next line.
 * No timer: the clock is read when a line comes.
 */
export class RateLimitedLog {
  private readonly lastLogged = new Map<string, number>();
  private intervalStart = Number.NEGATIVE_INFINITY;
  private linesThisInterval = 0;
  private suppressed = 0;

  constructor(
    private readonly write: (line: string) => void,
    private readonly intervalMs = 60_000,
    private readonly maxLinesPerInterval = 20,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Writes `line` unless `key` was logged within the interval or the interval's budget is spent. */
  log(key: string, line: string): void {
    const now = this.now();
    if (now - this.intervalStart >= this.intervalMs) {
      this.intervalStart = now;
      this.linesThisInterval = 0;
      // Only keys of the last interval can still hold back a line: the map stays within two budgets.
      for (const [known, at] of this.lastLogged) if (now - at >= this.intervalMs) this.lastLogged.delete(known);
    }
    const last = this.lastLogged.get(key);
    if ((last !== undefined && now - last < this.intervalMs) || this.linesThisInterval >= this.maxLinesPerInterval) {
      this.suppressed++;
      return;
    }
    this.lastLogged.set(key, now);
    this.linesThisInterval++;
    const left = this.suppressed > 0 ? ` (${this.suppressed} similar line${this.suppressed === 1 ? '' : 's'} left out before this one)` : '';
    this.suppressed = 0;
    this.write(line + left);
  }
}
