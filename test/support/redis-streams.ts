import { Module } from '@nestjs/common';
import { Redis } from 'ioredis';
import { StompModule } from 'nest-stomp';
import type { RawStompClient, ReceivedFrame } from './raw-stomp-client.js';
import { unique } from './unique.js';

/** Where the Redis Streams specs retain messages: `/topic/log/...` (and `/topic/capped/...`, 100 messages, 60 s); other destinations stay on pub/sub. */
export const RETAINED = '/topic/log/**';
export const CAPPED = { destinations: '/topic/capped/**', maxMessages: 100, maxAge: 60_000 };

/** An instance of a Redis broker in `mode: 'streams'`; instances with the same prefix share destinations and logs. */
export function streamsModule(url: string, channelPrefix: string, redis: { reconnectDelay?: number; maxReconnectDelay?: number } = {}): unknown {
  @Module({
    imports: [
      StompModule.forRoot({
        endpoint: '/ws',
        broker: { kind: 'redis', mode: 'streams', url, channelPrefix, ...redis },
        retention: [{ destinations: RETAINED, maxMessages: 5000 }, CAPPED],
      }),
    ],
  })
  class RedisStreamsInstanceModule {}
  return RedisStreamsInstanceModule;
}

/** Deletes every key of `prefix` (streams and last ids), so a spec leaves nothing in the shared Redis. */
export async function deleteKeys(url: string, prefix: string): Promise<void> {
  const admin = new Redis(url, { lazyConnect: true, retryStrategy: () => null });
  try {
    await admin.connect();
    const keys: string[] = [];
    for await (const batch of admin.scanStream({ match: `${prefix}:*`, count: 1000 }) as AsyncIterable<string[]>) keys.push(...batch);
    if (keys.length > 0) await admin.del(...keys);
  } finally {
    admin.disconnect();
  }
}

/** SUBSCRIBE with `headers` (x-stream-offset...) and wait for the RECEIPT, which comes once the replay was delivered. */
export async function subscribeFrom(client: RawStompClient, destination: string, headers: Record<string, string> = {}): Promise<string> {
  const id = unique('sub');
  const receipt = unique('subscribed');
  client.send('SUBSCRIBE', { id, destination, receipt, ...headers });
  await client.until(() => client.frames.some((f) => f.command === 'RECEIPT' && f.headers['receipt-id'] === receipt), `RECEIPT ${receipt}`, 30_000);
  return id;
}

/** The MESSAGEs of subscription `id` so far. */
export function messagesFor(client: RawStompClient, id: string): ReceivedFrame[] {
  return client.frames.filter((f) => f.command === 'MESSAGE' && f.headers.subscription === id);
}

/** Waits until subscription `id` got `count` MESSAGEs, then returns them all. */
export async function waitFor(client: RawStompClient, id: string, count: number, timeoutMs = 30_000): Promise<ReceivedFrame[]> {
  await client.until(() => messagesFor(client, id).length >= count, `${count} MESSAGE(s) of ${id} (got ${messagesFor(client, id).length})`, timeoutMs);
  return messagesFor(client, id);
}

/** The `x-stream-offset` of a MESSAGE, as a number. */
export function offsetOf(frame: ReceivedFrame): number {
  const value = frame.headers['x-stream-offset'];
  if (value === undefined || !/^\d+$/.test(value)) throw new Error(`MESSAGE without a numeric x-stream-offset: ${JSON.stringify(frame.headers)}`);
  return Number(value);
}

/** SENDs `bodies` to `destination` without receipts, but for the last one, and waits for that receipt (it covers them all). */
export async function sendAll(client: RawStompClient, destination: string, bodies: readonly string[]): Promise<void> {
  const receipt = unique('sent');
  bodies.forEach((body, i) => {
    const last = i === bodies.length - 1;
    client.send('SEND', { destination, 'content-type': 'text/plain', ...(last ? { receipt } : {}) }, body);
  });
  await client.until(() => client.frames.some((f) => f.command === 'RECEIPT' && f.headers['receipt-id'] === receipt), `RECEIPT ${receipt}`, 30_000);
}
