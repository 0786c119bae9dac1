import { Redis } from 'ioredis';
import { encodePayload, readSequence } from '../shared/payload.js';
import { PUBLISHER, type DurableBenchClient, type ReadFrom } from './durable-client.js';

/** Entries one XREAD returns at most, as nest-stomp's replay reads 500 a round trip. */
const READ_COUNT = 500;
const BLOCK_MS = 1000;

/**
 * (g)'s Redis Streams baseline: ioredis on a connection of its own. The publisher XADDs the bench
 * payload to `<prefix>:direct:<stream>` (trimmed `MAXLEN ~` as nest-stomp trims); a subscriber
 * loops `XREAD BLOCK` from the last id it got, as nest-stomp's feed reader does.
 */
export class RedisStreamsDurableClient implements DurableBenchClient {
  onMessage: (seq: number) => void = () => undefined;
  failure: string | undefined;
  private reading = false;

  private constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly keep: number,
  ) {}

  static async connect(url: string, prefix: string, keep: number): Promise<RedisStreamsDurableClient> {
    const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false });
    await redis.connect();
    return new RedisStreamsDurableClient(redis, prefix, keep);
  }

  async subscribe(stream: string, from: ReadFrom): Promise<void> {
    const key = this.key(stream);
    let lastId = '0-0';
    if (from === 'next') {
      const newest = await this.redis.xrevrange(key, '+', '-', 'COUNT', 1);
      lastId = newest[0]?.[0] ?? '0-0';
    }
    this.reading = true;
    void this.readFrom(key, lastId);
  }

  send(stream: string, seq: number, sizeBytes: number): void {
    this.add(stream, seq, sizeBytes).catch((error: Error) => (this.failure ??= error.message));
  }

  async sendStored(stream: string, seq: number, sizeBytes: number): Promise<void> {
    await this.add(stream, seq, sizeBytes);
  }

  async close(): Promise<void> {
    this.reading = false;
    this.onMessage = () => undefined;
    this.redis.disconnect();
  }

  private add(stream: string, seq: number, sizeBytes: number): Promise<unknown> {
    return this.redis.xadd(this.key(stream), 'MAXLEN', '~', this.keep, '*', 'm', encodePayload(seq, PUBLISHER, sizeBytes));
  }

  private async readFrom(key: string, startId: string): Promise<void> {
    let lastId = startId;
    while (this.reading) {
      let reply: Array<[Buffer, Array<[Buffer, Buffer[]]>]> | null;
      try {
        reply = (await this.redis.xreadBuffer('COUNT', READ_COUNT, 'BLOCK', BLOCK_MS, 'STREAMS', key, lastId)) as typeof reply;
      } catch (error) {
        if (this.reading) this.failure ??= (error as Error).message;
        return;
      }
      for (const [, entries] of reply ?? []) {
        for (const [id, fields] of entries) {
          lastId = id.toString('latin1');
          this.onMessage(readSequence(fields[1]!, 0));
        }
      }
    }
  }

  private key(stream: string): string {
    return `${this.prefix}:direct:${stream}`;
  }
}
