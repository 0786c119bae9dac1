import { Wakeups } from './wakeups.js';

/**
 * A list that can be awaited on: whatever arrives (the messages of a subscription, an app's events)
 * is pushed, and waits resolve as items arrive (with a safety timeout only).
 */
export class Recorder<T> {
  readonly items: T[] = [];
  private readonly wakeups = new Wakeups();

  /** Records one item; a bound function, so it can be handed out as a listener. */
  push = (item: T): void => {
    this.items.push(item);
    this.wakeups.wake();
  };

  /** Resolves once `count` items have arrived and returns the first `count`. */
  async waitFor(count: number, timeoutMs = 5000): Promise<T[]> {
    await this.wakeups.until(() => this.items.length >= count, timeoutMs, () => new Error(`Timed out: ${this.items.length} of ${count} items arrived`));
    return this.items.slice(0, count);
  }

  /** Resolves with the first item matching `predicate` (already recorded or still to come). */
  async first(predicate: (item: T) => boolean, what = 'an item', timeoutMs = 5000): Promise<T> {
    await this.until(() => this.items.some(predicate), what, timeoutMs);
    return this.items.find(predicate)!;
  }

  /** Waits until `count` matching items were recorded and returns them. */
  async count(predicate: (item: T) => boolean, count: number, what = 'items', timeoutMs = 5000): Promise<T[]> {
    await this.until(() => this.items.filter(predicate).length >= count, `${count} ${what}`, timeoutMs);
    return this.items.filter(predicate);
  }

  async until(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
    await this.wakeups.until(condition, timeoutMs, () => new Error(`Timed out waiting for ${what}`));
  }
}
