import { truncate } from './truncate.js';

export interface CountedLogOptions {
  /** Length of one counting interval, in ms. Default 60 s. */
  readonly intervalMs?: number;
  /**
   * Which events are written in full, at once, rather than counted: `'once'`, the first of a quiet
   * spell (a refusal: someone may be waiting on it); `'each-key'`, the first of each key in every
   * interval (a refused Origin, whose line says how to admit it), `maxKeys` lines an interval at
   * most; `false`, none (a routine event, whose own line is at debug). Default `'once'`.
   */
  readonly writeFirst?: 'once' | 'each-key' | false;
  /** An interval's counts are written only when at least this many were counted. Default 1. */
  readonly threshold?: number;
  /**
   * Most distinct keys counted apart in one interval; the rest are counted together under
   * `'other'`. Keys may come from clients (a forged Origin): the memory stays bounded. Default 20.
   */
  readonly maxKeys?: number;
  /** The summary line, from the interval's total and its counts by key (`20 × websocket, 5 × sockjs`). */
  readonly summary?: (total: number, detail: string, intervalSeconds: number) => string;
}

/**
 * The one limiter of the library's log lines that come once per client (a refused handshake, a
 * forged Origin, a session accepted during a failover): events are counted by key, one line per
 * interval gives the counts, so a flood of any size writes one line per interval, whatever its
 * size or the number of its distinct keys. The first event of a quiet spell may be written in
 * full; an interval quieter than `threshold` writes nothing. The timer runs only while events keep
 * coming; `close()` stops it and writes what is still counted.
 */
export class CountedLog {
  private readonly counts = new Map<string, number>();
  /** Keys written in full this interval (`'each-key'`). */
  private readonly written = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private readonly intervalMs: number;
  private readonly writeFirst: 'once' | 'each-key' | false;
  private readonly threshold: number;
  private readonly maxKeys: number;
  private readonly summary: NonNullable<CountedLogOptions['summary']>;

  constructor(
    private readonly write: (line: string) => void,
    /** What is counted, for the default summary line: `"connections refused"`. */
    private readonly what: string,
    options: CountedLogOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 60_000;
    this.writeFirst = options.writeFirst ?? 'once';
    this.threshold = options.threshold ?? 1;
    this.maxKeys = options.maxKeys ?? 20;
    this.summary = options.summary ?? ((total, detail, seconds) => `${total} ${this.writeFirst ? 'more ' : ''}${this.what} in the last ${seconds} s: ${detail}`);
  }

  /**
   * Counts one event under `key`, or writes it as `line()` (built only then) when `writeFirst`
   * says this one is written in full.
   */
  count(key: string, line?: () => string): void {
    const short = truncate(key);
    const quiet = this.timer === undefined;
    if (quiet) this.startInterval();
    if (line && this.writesInFull(short, quiet)) {
      this.written.add(short);
      this.write(`${line()} (more ${this.what} are counted and reported every ${this.intervalMs / 1000} s)`);
      return;
    }
    const counted = this.counts.has(short) || this.counts.size < this.maxKeys - 1 ? short : 'other';
    this.counts.set(counted, (this.counts.get(counted) ?? 0) + 1);
  }

  private writesInFull(key: string, quiet: boolean): boolean {
    if (this.writeFirst === 'once') return quiet;
    if (this.writeFirst === 'each-key') return !this.written.has(key) && this.written.size < this.maxKeys;
    return false;
  }

  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.written.clear();
    this.flush();
  }

  private startInterval(): void {
    // Named: a module's summary timer, not a session's (the churn and fuzz specs tell them apart).
    const countedLogInterval = () => {
      this.timer = undefined;
      this.written.clear();
      // Another interval only while they keep coming: a quiet spell leaves no timer behind.
      if (this.flush()) this.startInterval();
    };
    this.timer = setTimeout(countedLogInterval, this.intervalMs);
    this.timer.unref();
  }

  /** Writes the counts when there are enough; whether any were counted. */
  private flush(): boolean {
    if (this.counts.size === 0) return false;
    const total = [...this.counts.values()].reduce((sum, n) => sum + n, 0);
    const detail = [...this.counts].map(([key, n]) => `${n} × ${key}`).join(', ');
    this.counts.clear();
    if (total >= this.threshold) this.write(this.summary(total, detail, this.intervalMs / 1000));
    return true;
  }
}
