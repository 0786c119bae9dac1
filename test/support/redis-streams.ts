import { Module } from '@nestjs/common';
import { Redis } from 'ioredis';
import { StompModule, type StompModuleOptions } from 'nest-stomp';

/** Where the Redis Streams specs retain messages: `/topic/log/...` (and `/topic/capped/...`, 100 messages, 60 s); other destinations stay on pub/sub. */
export const RETAINED = '/topic/log/**';
export const CAPPED = { destinations: '/topic/capped/**', maxMessages: 100, maxAge: 60_000 };

/** An instance of a Redis broker in `mode: 'streams'`; instances with the same prefix share destinations and logs. */
export function streamsModule(
  url: string,
  channelPrefix: string,
  redis: { reconnectDelay?: number; maxReconnectDelay?: number } = {},
  retention: NonNullable<StompModuleOptions['retention']> = [{ destinations: RETAINED, maxMessages: 5000 }, CAPPED],
): unknown {
  @Module({
    imports: [
      StompModule.forRoot({
        endpoint: '/ws',
        broker: { kind: 'redis', mode: 'streams', url, channelPrefix, ...redis },
        retention,
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
