import type { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { BrokerMessage } from '../../message-broker.js';
import type { RedisConnection } from '../redis-connection.js';
import { fieldOf, retainedMessage, streamIdAfter, xreadEntries, type RawStreamEntry } from './redis-stream-entries.js';

/** Most feed entries one XREAD returns. */
const BATCH = 1000;

/**
 * Each instance's reader of the feed (every retained message, in publish order): XREAD from the
 * last id it handled, blocking on a connection of its own (a blocked connection can do nothing
 * else). It starts at the feed's end when the instance starts; after a lost connection it goes on
 * from where it was, so messages published meanwhile, by any instance, still reach this instance's
 * subscribers, late and in order, as long as the feed still holds them (it keeps as much as the
 * most generous retention rule).
 */
export class RedisStreamReader {
  private lastId: string | undefined;
  private closed = false;
  private running: Promise<void> | undefined;
  private pauseTimer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;

  constructor(
    private readonly feed: string,
    readonly connection: RedisConnection,
    private readonly deliver: (message: BrokerMessage) => void,
    private readonly logger: Logger,
    /** How long one XREAD blocks: below the command timeout, which ioredis applies to it too. */
    private readonly blockMs: number,
    /** Pause after a failed XREAD on a connection still up, so an answer that keeps failing does not spin. */
    private readonly retryDelay: number,
  ) {}

  /** The reader's `prepare`: on the first connection, where to start; on a later one, whether the feed lost entries meanwhile. */
  async prepare(client: Redis): Promise<void> {
    if (this.lastId === undefined) {
      const [last] = await client.xrevrange(this.feed, '+', '-', 'COUNT', 1);
      this.lastId = last?.[0] ?? '0-0';
      return;
    }
    await this.warnOfGap(client);
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
      this.lastId = id.toString();
      try {
        const logId = fieldOf(fields, 'o');
        const encoded = fieldOf(fields, 'm');
        if (!logId || !encoded) throw new Error('an entry without its o and m fields');
        this.deliver(retainedMessage(encoded, logId.toString()).message);
      } catch (error) {
        this.logger.error(`Dropped entry ${this.lastId} of Redis stream '${this.feed}': ${(error as Error).message}`, (error as Error).stack);
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

  private async warnOfGap(client: Redis): Promise<void> {
    const info = (await client.call('XINFO', 'STREAM', this.feed).catch(() => undefined)) as unknown[] | undefined;
    const at = info?.indexOf('max-deleted-entry-id') ?? -1;
    const maxDeleted = at >= 0 ? String(info![at + 1]) : undefined;
    if (maxDeleted && this.lastId && streamIdAfter(maxDeleted, this.lastId)) {
      this.logger.warn(
        `Redis stream '${this.feed}' no longer holds every message published while this instance was cut off (it was at ${this.lastId}, entries up to ${maxDeleted} are trimmed): its subscribers missed some; raise the retention limits to cover longer outages`,
      );
    }
  }
}
