/**
 * Log lines that come once per client (a refused connection) turned into counts: the first one of
 * a quiet spell is written at once, those that follow within `intervalMs` are counted by key, and
 * one line at the end of the interval gives the counts. A steady flood thus writes one line per
 * interval, whatever its size. `close()` stops the timer (and writes what is still counted).
 */
export class CountedLog {
  private readonly counts = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly write: (line: string) => void,
    /** What is counted, for the summary line: `"connections refused"`. */
    private readonly what: string,
    private readonly intervalMs = 60_000,
  ) {}

  /** Writes `line()` when nothing was logged within the interval; counts it under `key` otherwise. */
  count(key: string, line: () => string): void {
    if (this.timer === undefined) {
      this.write(`${line()} (more ${this.what} are counted and reported every ${this.intervalMs / 1000} s)`);
      this.startInterval();
      return;
    }
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.flush();
  }

  private startInterval(): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      // Another interval only while they keep coming: a quiet spell leaves no timer behind.
      if (this.flush()) this.startInterval();
    }, this.intervalMs);
    this.timer.unref();
  }

  /** Writes the counts, if any; whether it did. */
  private flush(): boolean {
    if (this.counts.size === 0) return false;
    const total = [...this.counts.values()].reduce((sum, n) => sum + n, 0);
    const detail = [...this.counts].map(([key, n]) => `${n} × ${key}`).join(', ');
    this.counts.clear();
    this.write(`${total} more ${this.what} in the last ${this.intervalMs / 1000} s: ${detail}`);
    return true;
  }
}
