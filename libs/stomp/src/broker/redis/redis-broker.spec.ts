import { Logger } from '@nestjs/common';
import { createServer } from 'node:net';
import { firstValueFrom, toArray } from 'rxjs';
import type { BrokerSubscriber } from '../message-broker.js';
import { RedisBroker } from './redis-broker.js';
import { StompBrokerUnavailableError } from '../../errors/stomp-broker-unavailable.error.js';
import { STOMP_DEFAULTS } from '../../stomp.options.js';

/** A port nothing listens on: connections to it are refused at once. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const subscriber: BrokerSubscriber = { id: 's1', version: '1.2', isClosed: false, deliver: () => undefined, deliverMessage: () => undefined, deliverFrame: () => undefined, brokerLost: () => undefined };

// The Redis broker against a real Redis is covered by test/brokers/redis-*.e2e-spec.ts; here, without one.
describe('RedisBroker without Redis', () => {
  let broker: RedisBroker;
  let url: string;

  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(new Logger()));

  beforeEach(async () => {
    url = `redis://:s3cret@127.0.0.1:${await closedPort()}`;
    broker = new RedisBroker({ ...STOMP_DEFAULTS.redis, url, channelPrefix: 'unit', startTimeout: 3000 }, '/');
  });

  afterEach(() => broker.close());

  it('starts promptly when Redis refuses connections, and reports itself unavailable', async () => {
    const started = Date.now();
    await broker.start();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(broker.isAvailable).toBe(false);
    expect(await firstValueFrom(broker.availability$)).toBe(false);
  });

  it('rejects a publish at once with a clear error, without the password', async () => {
    await broker.start();
    const publish = broker.publish({ destination: '/topic/x', headers: {}, body: Buffer.from('lost') });
    await expect(publish).rejects.toBeInstanceOf(StompBrokerUnavailableError);
    const error = (await publish.catch((e: unknown) => e)) as StompBrokerUnavailableError;
    expect(error.code).toBe('STOMP_ERR_BROKER_UNAVAILABLE');
    expect(error.message).toMatch(/^Redis broker unavailable: could not publish the message to '\/topic\/x' \(the publisher connection to redis:\/\/:\*\*\*@127\.0\.0\.1:\d+ is down, reconnecting: connect ECONNREFUSED 127\.0\.0\.1:\d+; the subscriber connection to redis:\/\/:\*\*\*@127\.0\.0\.1:\d+ is down, reconnecting: connect ECONNREFUSED 127\.0\.0\.1:\d+\)$/);
    expect(error.message).not.toContain('s3cret');
  });

  it('rejects a cluster publish the same way', async () => {
    await broker.start();
    await expect(broker.cluster.publish('{}')).rejects.toThrow(/^Redis broker unavailable: could not publish a cluster message/);
  });

  it('rejects before start() and after close()', async () => {
    await expect(broker.publish({ destination: '/topic/x', headers: {}, body: Buffer.alloc(0) })).rejects.toBeInstanceOf(StompBrokerUnavailableError);
    await broker.start();
    await broker.close();
    await expect(broker.publish({ destination: '/topic/x', headers: {}, body: Buffer.alloc(0) })).rejects.toThrow('the broker is closed');
  });

  it('keeps subscriptions locally, whatever Redis does', () => {
    broker.subscribe(subscriber, 'a', '/topic/x');
    broker.subscribe(subscriber, 'b', '/topic/**');
    expect(broker.subscriptionCount).toBe(2);
    broker.unsubscribe(subscriber, 'a');
    expect(broker.subscriptionCount).toBe(1);
    broker.unsubscribeAll(subscriber);
    expect(broker.subscriptionCount).toBe(0);
  });

  it('ends its availability with false when closed, and its cluster stream', async () => {
    await broker.start();
    const availability = firstValueFrom(broker.availability$.pipe(toArray()));
    const cluster = firstValueFrom(broker.cluster.messages$.pipe(toArray()));
    await broker.close();
    expect(await availability).toEqual([false]);
    expect(await cluster).toEqual([]);
  });

  it("in mode 'streams', rejects a retained publish and a replay at once", async () => {
    const streams = new RedisBroker({ ...STOMP_DEFAULTS.redis, url, channelPrefix: 'unit', mode: 'streams', startTimeout: 3000 }, '/', {}, [
      { destinations: ['/topic/log/**'], maxMessages: 10, maxAge: 1000, maxBytes: 1000 },
    ]);
    try {
      await streams.start();
      expect(streams.isAvailable).toBe(false);
      const publish = streams.publish({ destination: '/topic/log/a', headers: {}, body: Buffer.from('lost') });
      await expect(publish).rejects.toThrow(/^Redis broker unavailable: could not publish the message to '\/topic\/log\/a' \(the publisher connection to redis:\/\/:\*\*\*@127\.0\.0\.1:\d+ is down/);
      await expect(streams.subscribe(subscriber, 'r', '/topic/log/a', { 'x-stream-offset': 'first' })).rejects.toThrow(/^Redis broker unavailable: could not replay '\/topic\/log\/a'/);
      // The failed replay leaves no subscription behind; one without replay is kept.
      expect(streams.subscriptionCount).toBe(0);
      await streams.subscribe(subscriber, 'n', '/topic/log/a', {});
      expect(streams.subscriptionCount).toBe(1);
      expect(() => streams.subscribe(subscriber, 'x', '/topic/log/a', { 'x-stream-offset': 'later' })).toThrow("Invalid x-stream-offset header 'later'");
    } finally {
      await streams.close();
    }
  });

  it('has a random instance id', () => {
    const other = new RedisBroker({ ...STOMP_DEFAULTS.redis, url, channelPrefix: 'unit' }, '/');
    expect(other.cluster.instanceId).not.toBe(broker.cluster.instanceId);
    return other.close();
  });
});
