/** One wait: `probe` finds what it waits for, or `undefined` while it has not arrived. */
interface Wait {
  probe(): unknown;
  resolve(value: unknown): void;
  reject(error: Error): void;
  readonly timer: NodeJS.Timeout;
}

/**
 * The waits of a test client. Whoever receives a frame calls `wake()`, and each wait probes again;
 * a wait fails after its timeout, or at once when the connection fails (`fail`). Timers are
 * cleared as waits settle, so a finished test leaves none behind.
 */
export class PendingWaits {
  private readonly waits = new Set<Wait>();
  private failure: Error | undefined;

  /** Why the connection failed, once it has. */
  get failed(): Error | undefined {
    return this.failure;
  }

  /**
   * Resolves with `probe()`'s first defined value: now, or after a later `wake()`. What already
   * arrived is found even after the connection failed; otherwise the failure rejects the wait.
   */
  until<T>(probe: () => T | undefined, timeoutMs: number, timedOut: () => Error): Promise<T> {
    const found = probe();
    if (found !== undefined) return Promise.resolve(found);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<T>((resolve, reject) => {
      const wait: Wait = {
        probe,
        resolve: resolve as (value: unknown) => void,
        reject,
        timer: setTimeout(() => {
          this.waits.delete(wait);
          reject(timedOut());
        }, timeoutMs),
      };
      this.waits.add(wait);
    });
  }

  /** Something arrived: every wait probes again, in the order they began. */
  wake(): void {
    for (const wait of this.waits) {
      const found = wait.probe();
      if (found === undefined) continue;
      this.settle(wait);
      wait.resolve(found);
    }
  }

  /** The connection failed or ended: every pending wait, and every later one, rejects with `error`. */
  fail(error: Error): void {
    this.failure ??= error;
    for (const wait of this.waits) {
      this.settle(wait);
      wait.reject(this.failure);
    }
  }

  private settle(wait: Wait): void {
    clearTimeout(wait.timer);
    this.waits.delete(wait);
  }
}
