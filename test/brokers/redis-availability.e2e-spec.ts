import { Module } from '@nestjs/common';
import { Redis } from 'ioredis';
import { firstValueFrom, type Subscription } from 'rxjs';
import { SimpMessagingTemplate, STOMP_BROKER, STOMP_DEFAULTS, StompEvents, StompModule } from 'nest-stomp';
import { RedisBroker } from 'nest-stomp';
import { StompBrokerUnavailableError } from 'nest-stomp';
import { startApp, type RunningApp } from '../support/apps.js';
import { RawStompClient } from '../support/raw-stomp-client.js';
import { RedisServerProcess, redisServerInstalled, uniqueChannelPrefix } from '../support/redis.js';
import { connectStompClient, deactivateAll, publishConfirmed, subscribeConfirmed } from '../support/stomp-clients.js';
import { availabilityEvent } from '../support/events.js';

const describeWithRedisServer = redisServerInstalled() ? describe : describe.skip;

function instanceModule(url: string, channelPrefix: string): unknown {
  @Module({ imports: [StompModule.forRoot({ endpoint: '/ws', broker: { kind: 'redis', url, channelPrefix } })] })
  class RedisInstanceModule {}
  return RedisInstanceModule;
}

const text = { 'content-type': 'text/plain' };

// A redis-server of the spec's own, stopped and started again: the shared one must never go down.
describeWithRedisServer('Redis broker: Redis going away and coming back', () => {
  const channelPrefix = uniqueChannelPrefix('availability');
  let redis: RedisServerProcess;
  let a: RunningApp | undefined;
  let b: RunningApp | undefined;
  const events: Record<'a' | 'b', boolean[]> = { a: [], b: [] };
  const recordings: Subscription[] = [];

  beforeAll(async () => {
    redis = await RedisServerProcess.onFreePort();
  });

  // After a failed test, the next starts from a running Redis and available instances again.
  beforeEach(async () => {
    if (!a || !b) return;
    if (!redis.running) await redis.start();
    await Promise.all([a, b].map((app) => app.app.get<RedisBroker>(STOMP_BROKER).isAvailable || availabilityEvent(app, true, 5000)));
  });

  afterAll(async () => {
    for (const recording of recordings) recording.unsubscribe();
    await Promise.all([a?.close(), b?.close()]);
    await redis?.stop();
  });

  it('starts the applications while Redis is down, unavailable, and becomes available once Redis is up', async () => {
    [a, b] = await Promise.all([startApp(instanceModule(redis.url, channelPrefix)), startApp(instanceModule(redis.url, channelPrefix))]);
    for (const [name, app] of [['a', a], ['b', b]] as const) {
      const broker = app.app.get<RedisBroker>(STOMP_BROKER);
      expect(broker.isAvailable).toBe(false);
      expect(await firstValueFrom(broker.availability$)).toBe(false);
      recordings.push(app.app.get(StompEvents).ofType('broker-availability').subscribe((event) => events[name].push(event.available)));
    }

    const up = Promise.all([availabilityEvent(a, true, 5000), availabilityEvent(b, true, 5000)]);
    await redis.start();
    await up;

    const subscriber = await connectStompClient(`${a.wsUrl}/ws`);
    const publisher = await connectStompClient(`${b.wsUrl}/ws`);
    try {
      const inbox = await subscribeConfirmed(subscriber, '/topic/x');
      await publishConfirmed(publisher, '/topic/x', 'first', text);
      expect((await inbox.waitFor(1)).map((m) => m.body)).toEqual(['first']);
    } finally {
      await deactivateAll(subscriber, publisher);
    }
  });

  it('reports an outage, refuses sends with a clear error, and recovers without restarting the applications', async () => {
    const [appA, appB] = [a!, b!];
    const subscriber = await connectStompClient(`${appA.wsUrl}/ws`);
    const publisher = await connectStompClient(`${appB.wsUrl}/ws`);
    try {
      const inbox = await subscribeConfirmed(subscriber, '/topic/x');
      await publishConfirmed(publisher, '/topic/x', 'before', text);
      await inbox.waitFor(1);

      const down = Promise.all([availabilityEvent(appA, false, 5000), availabilityEvent(appB, false, 5000)]);
      await redis.stop();
      await down;

      // A server-side send rejects, saying why.
      const template = appA.app.get(SimpMessagingTemplate);
      const rejected = template.convertAndSend('/topic/x', 'lost');
      await expect(rejected).rejects.toBeInstanceOf(StompBrokerUnavailableError);
      await expect(rejected).rejects.toThrow(/^Redis broker unavailable: could not publish the message to '\/topic\/x' \(the (publisher|subscriber) connection to redis:\/\/127\.0\.0\.1:\d+ is down/);
      await expect(template.convertAndSendToUser('alice', '/queue/notes', 'lost')).rejects.toThrow(/^Redis broker unavailable: could not publish a cluster message/);

      // A client's SEND with a receipt gets an ERROR answering it.
      const raw = await RawStompClient.connect(`${appB.wsUrl}/ws`);
      raw.send('SEND', { destination: '/topic/x', 'content-type': 'text/plain', receipt: 'during-outage' }, 'lost');
      const error = await raw.nextFrame('ERROR');
      expect(error.headers['receipt-id']).toBe('during-outage');
      expect(error.headers.message).toMatch(/^Failed to process SEND: Redis broker unavailable: could not publish the message to '\/topic\/x' \(the (publisher|subscriber) connection to redis:\/\/127\.0\.0\.1:\d+ is down/);
      await raw.waitClosed();

      // Redis back on the same port: both instances reconnect and re-subscribe on their own, and
      // the sessions that stayed connected through the outage get messages again.
      const up = Promise.all([availabilityEvent(appA, true, 5000), availabilityEvent(appB, true, 5000)]);
      await redis.start();
      await up;
      await publishConfirmed(publisher, '/topic/x', 'after', text);
      expect((await inbox.waitFor(2)).map((m) => m.body)).toEqual(['before', 'after']);
      expect(events).toEqual({ a: [true, false, true], b: [true, false, true] });
    } finally {
      await deactivateAll(subscriber, publisher);
    }
  });

  it('re-subscribes when only its subscriber connection drops, Redis staying up', async () => {
    const [appA, appB] = [a!, b!];
    const subscriber = await connectStompClient(`${appA.wsUrl}/ws`);
    const publisher = await connectStompClient(`${appB.wsUrl}/ws`);
    const admin = new Redis(redis.url, { lazyConnect: true, retryStrategy: () => null });
    try {
      const inbox = await subscribeConfirmed(subscriber, '/topic/x');
      await admin.connect();
      const down = Promise.all([availabilityEvent(appA, false, 5000), availabilityEvent(appB, false, 5000)]);
      const up = Promise.all([availabilityEvent(appA, true, 5000), availabilityEvent(appB, true, 5000)]);
      // Every subscribed connection: both instances' subscriber connections, not their publishers.
      expect(await admin.call('CLIENT', 'KILL', 'TYPE', 'pubsub')).toBe(2);
      await down;
      await up;
      await publishConfirmed(publisher, '/topic/x', 'resubscribed', text);
      expect((await inbox.waitFor(1)).map((m) => m.body)).toEqual(['resubscribed']);
      expect(events).toEqual({ a: [true, false, true, false, true], b: [true, false, true, false, true] });
    } finally {
      admin.disconnect();
      await deactivateAll(subscriber, publisher);
    }
  });

  it('fails a publish that Redis does not answer once the command timeout has passed', async () => {
    const broker = new RedisBroker({ ...STOMP_DEFAULTS.redis, url: redis.url, channelPrefix, commandTimeout: 200 }, '/');
    try {
      await broker.start();
      expect(broker.isAvailable).toBe(true);
      redis.pause();
      const started = Date.now();
      await expect(broker.publish({ destination: '/topic/x', headers: {}, body: Buffer.from('unanswered') })).rejects.toThrow(
        /^Redis broker unavailable: could not publish the message to '\/topic\/x' \(Redis at redis:\/\/127\.0\.0\.1:\d+ did not answer within 200 ms\)$/,
      );
      expect(Date.now() - started).toBeLessThan(1000);
    } finally {
      redis.resume();
      await broker.close();
    }
  });
});
