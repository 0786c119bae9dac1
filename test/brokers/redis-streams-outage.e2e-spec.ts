import { jest } from '@jest/globals';
import type { LoggerService } from '@nestjs/common';
import { Redis } from 'ioredis';
import { STOMP_BROKER, type RedisBroker } from 'nest-stomp';
import { startApp, type RunningApp } from '../support/apps.js';
import { closeAll } from '../support/raw-frames.js';
import { RawStompClient } from '../support/raw-stomp-client.js';
import { RedisServerProcess, redisServerInstalled, uniqueChannelPrefix } from '../support/redis.js';
import { streamsModule } from '../support/redis-streams.js';
import { messagesFor, offsetOf, sendAll, subscribeFrom, waitFor } from '../support/stream-frames.js';
import { availabilityEvent } from '../support/events.js';

const describeWithRedisServer = redisServerInstalled() ? describe : describe.skip;

jest.setTimeout(60_000);

// A redis-server of the spec's own: instance A logs in as a user of its own, which the spec
// disables and kicks out, so A stays cut off (it cannot reconnect) while B goes on publishing.
describeWithRedisServer("Redis broker, mode 'streams': an instance cut off from Redis", () => {
  const channelPrefix = uniqueChannelPrefix('streams-outage');
  let redis: RedisServerProcess;
  let admin: Redis;
  let a: RunningApp | undefined;
  let b: RunningApp | undefined;
  const clients: RawStompClient[] = [];

  beforeAll(async () => {
    redis = await RedisServerProcess.onFreePort();
    await redis.start();
    admin = new Redis(redis.url, { lazyConnect: true, retryStrategy: () => null });
    await admin.connect();
    await admin.call('ACL', 'SETUSER', 'instance-a', 'on', '>secret', '~*', '&*', '+@all');
    a = await startApp(streamsModule(`redis://instance-a:secret@127.0.0.1:${redis.port}`, channelPrefix, { reconnectDelay: 50, maxReconnectDelay: 200 }));
    b = await startApp(streamsModule(redis.url, channelPrefix));
  });

  afterAll(async () => {
    await closeAll(...clients.filter((client) => !client.closed));
    await Promise.all([a?.close(), b?.close()]);
    admin?.disconnect();
    await redis?.stop();
  });

  async function cutOff(app: RunningApp, user: string): Promise<void> {
    const down = availabilityEvent(app, false, 20_000);
    await admin.call('ACL', 'SETUSER', user, 'off');
    expect(await admin.call('CLIENT', 'KILL', 'USER', user)).toBe(3);
    await down;
  }

  async function letBackIn(app: RunningApp, user: string): Promise<void> {
    const up = availabilityEvent(app, true, 20_000);
    await admin.call('ACL', 'SETUSER', user, 'on');
    await up;
  }

  it('catches up, in order and once, on what the other instance published while it was cut off', async () => {
    const [appA, appB] = [a!, b!];
    const destination = '/topic/log/room';
    const subscriber = await RawStompClient.connect(`${appA.wsUrl}/ws`);
    const publisher = await RawStompClient.connect(`${appB.wsUrl}/ws`);
    clients.push(subscriber, publisher);
    const id = await subscribeFrom(subscriber, destination);
    await sendAll(publisher, destination, ['before']);
    await waitFor(subscriber, id, 1);

    await cutOff(appA, 'instance-a');

    const meanwhile = Array.from({ length: 50 }, (_, i) => `meanwhile-${i}`);
    await sendAll(publisher, destination, meanwhile);
    // A cannot have them yet: it cannot even log in.
    expect(appA.app.get<RedisBroker>(STOMP_BROKER).isAvailable).toBe(false);
    expect(messagesFor(subscriber, id).map((m) => m.text)).toEqual(['before']);

    await letBackIn(appA, 'instance-a');
    await sendAll(publisher, destination, ['after']);
    const received = await waitFor(subscriber, id, 52);
    expect(received.map((m) => m.text)).toEqual(['before', ...meanwhile, 'after']);
    const offsets = received.map(offsetOf);
    for (let i = 1; i < offsets.length; i++) expect(offsets[i]).toBeGreaterThan(offsets[i - 1]!);
  });

  it('warns when it was cut off for longer than the feed keeps', async () => {
    const prefix = uniqueChannelPrefix('streams-gap');
    const small = [{ destinations: '/topic/log/**', maxMessages: 10 }];
    const warnings: string[] = [];
    const collector: LoggerService = { log: () => undefined, error: () => undefined, warn: (message: unknown) => void warnings.push(String(message)) };
    await admin.call('ACL', 'SETUSER', 'instance-c', 'on', '>secret', '~*', '&*', '+@all');
    // Nest's logger is the process's: the app that collects it starts last.
    const d = await startApp(streamsModule(redis.url, prefix, {}, small));
    const c = await startApp(streamsModule(`redis://instance-c:secret@127.0.0.1:${redis.port}`, prefix, { reconnectDelay: 50, maxReconnectDelay: 200 }, small), (app) =>
      app.useLogger(collector),
    );
    try {
      const publisher = await RawStompClient.connect(`${d.wsUrl}/ws`);
      const onC = await RawStompClient.connect(`${c.wsUrl}/ws`);
      clients.push(publisher, onC);
      const id = await subscribeFrom(onC, '/topic/log/gap');
      await sendAll(publisher, '/topic/log/gap', ['seen by c']);
      await waitFor(onC, id, 1);
      await cutOff(c, 'instance-c');
      // Hundreds of messages for a feed of about 10: whole stream nodes (100 entries) are trimmed.
      await sendAll(publisher, '/topic/log/gap', Array.from({ length: 500 }, (_, i) => `m${i}`));
      expect(warnings.filter((line) => line.includes('no longer holds'))).toEqual([]);
      await letBackIn(c, 'instance-c');
      // What the feed still holds arrives; the rest is gone, and the log says how much.
      await sendAll(publisher, '/topic/log/gap', ['after']);
      await onC.until(() => messagesFor(onC, id).at(-1)?.text === 'after', "'after' on c", 30_000);
      const texts = messagesFor(onC, id).map((m) => m.text);
      const firstLeft = Number(texts[1]!.slice(1));
      expect(firstLeft).toBeGreaterThan(0);
      expect(texts).toEqual(['seen by c', ...Array.from({ length: 500 - firstLeft }, (_, i) => `m${firstLeft + i}`), 'after']);
      expect(warnings.filter((line) => line.includes('no longer holds'))).toEqual([
        expect.stringMatching(new RegExp(`^Redis stream '.*:feed' no longer holds ${firstLeft} message\\(s\\) published while this instance was cut off: its subscribers missed them`)),
      ]);
    } finally {
      await Promise.all([c.close(), d.close()]);
    }
  });

  // Last: the restart loses the data, the ACL user included.
  it('goes on delivering, offsets still growing, after Redis restarted without its data', async () => {
    const [appA, appB] = [a!, b!];
    const destination = '/topic/log/restart';
    const subscriber = await RawStompClient.connect(`${appA.wsUrl}/ws`);
    const publisher = await RawStompClient.connect(`${appB.wsUrl}/ws`);
    clients.push(subscriber, publisher);
    const id = await subscribeFrom(subscriber, destination);
    await sendAll(publisher, destination, ['before']);
    const [before] = await waitFor(subscriber, id, 1);

    const down = Promise.all([availabilityEvent(appA, false, 20_000), availabilityEvent(appB, false, 20_000)]);
    admin.disconnect();
    await redis.stop();
    await down;
    const up = Promise.all([availabilityEvent(appA, true, 20_000), availabilityEvent(appB, true, 20_000)]);
    await redis.start();
    admin = new Redis(redis.url, { lazyConnect: true, retryStrategy: () => null });
    await admin.connect();
    await admin.call('ACL', 'SETUSER', 'instance-a', 'on', '>secret', '~*', '&*', '+@all');
    await up;

    await sendAll(publisher, destination, ['after']);
    const [, after] = await waitFor(subscriber, id, 2);
    expect(after!.text).toBe('after');
    expect(offsetOf(after!)).toBeGreaterThan(offsetOf(before!));
  });
});
