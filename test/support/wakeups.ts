/**
 * Waits on conditions that events make true: whoever records an event calls `wake()`, and each
 * wait re-checks its condition then. A wait fails only after a safety timeout; it never sleeps.
 */
export class Wakeups {
  private waiters: Array<() => void> = [];

  wake(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }

  /** Resolves once `condition()` holds; rejects with `timedOut()` after `timeoutMs`. */
  async until(condition: () => boolean, timeoutMs: number, timedOut: () => Error): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) throw timedOut();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}
