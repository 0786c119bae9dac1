import type { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { BrokerMessage } from '../../message-broker.js';
import type { RedisConnection } from '../redis-connection.js';
import { fieldOf, retainedMessage, xreadEntries, type RawStreamEntry } from './redis-stream-entries.js';
import { offsetOfStreamIdBytes, type RedisStreamKeys } from './redis-stream-ids.js';

/** Most feed entries one XREAD returns. */
const BATCH = 1000;

/**
 * Each instance's reader of the feed (every retained message, in publish order): XREAD from the
 * last id it handled, blocking on a connection of its own (a blocked connection can do nothing
 * else). It starts at the feed's end when the instance starts; after a lost connection it goes on
 * from where it was, so messages published meanwhile, by any instance, still reach this instance's
 * subscribers, late and in order, as long as the feed still holds them (it keeps as much as the
 * most generous retention rule); when it no longer does, the reader says how many were lost.
 */
export class RedisStreamReader {
  private lastId: string | undefined;
  /** The feed number of the entry at lastId, or the feed count when the reader started on an empty feed. */
  private lastNumber = 0;
  private readonly feed: string;
  private closed = false;
  private running: Promise<void> | undefined;
  private pauseTimer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;

  constructor(
    private readonly keys: Pick<RedisStreamKeys, 'feed' | 'feedCount'>,
    readonly connection: RedisConnection,
    private readonly deliver: (message: BrokerMessage) => void,
    private readonly logger: Logger,
    /** How long one XREAD blocks: below the command timeout, which ioredis applies to it too. */
    private readonly blockMs: number,
    /** Pause after a failed XREAD on a connection still up, so an answer that keeps failing does not spin. */
    private readonly retryDelay: number,
  ) {
    this.feed = keys.feed;
  }

  /** The reader's `prepare`: on the first connection, where to start; on a later one, whether the feed lost entries meanwhile. */
  async prepare(client: Redis): Promise<void> {
    if (this.lastId === undefined) {
      const [[last], count] = await Promise.all([
        client.xrevrangeBuffer(this.feed, '+', '-', 'COUNT', 1) as Promise<RawStreamEntry[]>,
        client.get(this.keys.feedCount),
      ]);
      this.lastId = last?.[0].toString() ?? '0-0';
      // An empty feed may have been trimmed whole: the count says where numbering stands.
      this.lastNumber = last ? numberOf(last[1]) : Number(count ?? 0);
      return;
    }
    await this.warnOfGap(client, this.lastId);
  }

  start(): Promise<void> {
    this.running ??= this.run();
    return this.connection.start();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.pauseTimer);
    this.wake?.();
    await this.connection.close();
    await this.running;
  }

  private async run(): Promise<void> {
    while (!this.closed) {
      if (!this.connection.isReady || this.lastId === undefined) {
        await this.until((resume) => this.connection.ready$.subscribe((ready) => ready && resume()));
        continue;
      }
      let reply: unknown;
      try {
        reply = await this.connection.client.callBuffer('XREAD', 'COUNT', BATCH, 'BLOCK', this.blockMs, 'STREAMS', this.feed, this.lastId);
      } catch {
        // The connection dropped (ready$ says when it is back) or Redis refused: try again shortly.
        if (!this.closed && this.connection.isReady) await this.until((resume) => (this.pauseTimer = setTimeout(resume, this.retryDelay)));
        continue;
      }
      if (!this.closed) this.handle(xreadEntries(reply));
    }
  }

  private handle(entries: readonly RawStreamEntry[]): void {
    for (const [id, fields] of entries) {
      try {
        const logId = fieldOf(fields, 'o');
        const encoded = fieldOf(fields, 'm');
        if (!logId || !encoded) throw new Error('an entry without its o and m fields');
        this.deliver(retainedMessage(encoded, offsetOfStreamIdBytes(logId)));
      } catch (error) {
        this.logger.error(`Dropped entry ${id.toString()} of Redis stream '${this.feed}': ${(error as Error).message}`, (error as Error).stack);
      }
    }
    // Where the next XREAD starts, and the number the gap check counts from: the batch's last entry's
    // (its last one carrying a number), read once per batch rather than for every entry.
    if (entries.length === 0) return;
    this.lastId = entries[entries.length - 1]![0].toString();
    for (let i = entries.length - 1; i >= 0; i--) {
      const number = numberOf(entries[i]![1]);
      if (number) {
        this.lastNumber = number;
        break;
      }
    }
  }

  /** Waits until `arm`'s callback or close(), whichever comes first. */
  private async until(arm: (resume: () => void) => { unsubscribe(): void } | NodeJS.Timeout | void): Promise<void> {
    let armed: ReturnType<typeof arm> | undefined;
    await new Promise<void>((resolve) => {
      this.wake = resolve;
      if (this.closed) return resolve();
      armed = arm(resolve);
    });
    this.wake = undefined;
    if (armed && typeof armed === 'object' && 'unsubscribe' in armed) armed.unsubscribe();
  }

  /** Entries after `lastId` that were trimmed before this reader could read them: the first one left, or the count if none is. */
  private async warnOfGap(client: Redis, lastId: string): Promise<void> {
    const [[next], count] = await Promise.all([
      client.xrangeBuffer(this.feed, `(${lastId}`, '+', 'COUNT', 1) as Promise<RawStreamEntry[]>,
      client.get(this.keys.feedCount),
    ]);
    const firstLeft = next ? numberOf(next[1]) : Number(count ?? 0) + 1;
    const missed = firstLeft - this.lastNumber - 1;
    if (missed > 0) {
      this.logger.warn(
        `Redis stream '${this.feed}' no longer holds ${missed} message(s) published while this instance was cut off: its subscribers missed them; raise the retention limits (maxMessages, maxAge) to cover longer outages`,
      );
    }
  }
}

/** The feed number of an entry (0 when it has none). */
function numberOf(fields: readonly Buffer[]): number {
  return Number(fieldOf(fields, 'n')?.toString() ?? 0) || 0;
}
