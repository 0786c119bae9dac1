import { Controller, Module } from '@nestjs/common';
import type { Client } from '@stomp/stompjs';
import { MessageMapping, Payload, SendTo, SimpMessagingTemplate, STOMP_BROKER, STOMP_DEFAULTS, StompModule, type BrokerSubscriber } from 'nest-stomp';
import { RedisBroker } from 'nest-stomp';
import { startApp } from '../support/apps.js';
import { RawStompClient } from '../support/raw-stomp-client.js';
import { redisAvailable, SHARED_REDIS_URL, uniqueChannelPrefix } from '../support/redis.js';
import { publishConfirmed, subscribeConfirmed } from '../support/stomp-clients.js';
import { useTwoInstances } from '../support/two-instances.js';

const describeWithRedis = (await redisAvailable()) ? describe : describe.skip;

@Controller()
class ShoutController {
  @MessageMapping('/shout')
  @SendTo('/topic/x')
  shout(@Payload() text: string): string {
    return text.toUpperCase();
  }
}

/** One application instance; instances built with the same prefix share their broker destinations. */
function instanceModule(channelPrefix: string): unknown {
  @Module({
    imports: [
      StompModule.forRoot({
        endpoint: '/ws',
        broker: { kind: 'redis', url: SHARED_REDIS_URL, channelPrefix },
        authenticate: ({ login }) => (login ? { name: login } : undefined),
      }),
    ],
    controllers: [ShoutController],
  })
  class RedisInstanceModule {}
  return RedisInstanceModule;
}

const text = { 'content-type': 'text/plain' };

/** Subscribes a raw client to a destination and waits for the server to confirm it. */
async function rawSubscribe(client: RawStompClient, id: string, destination: string): Promise<void> {
  client.send('SUBSCRIBE', { id, destination, receipt: `sub-${id}` });
  await client.until(() => client.frames.some((f) => f.command === 'RECEIPT' && f.headers['receipt-id'] === `sub-${id}`), `the RECEIPT of ${id}`);
}

function rawMessages(client: RawStompClient, subscription: string): string[] {
  return client.frames.filter((f) => f.command === 'MESSAGE' && f.headers.subscription === subscription).map((f) => f.text);
}

describeWithRedis('Redis broker: two application instances', () => {
  const channelPrefix = uniqueChannelPrefix('cluster');
  const { a, b, client } = useTwoInstances({ start: () => startApp(instanceModule(channelPrefix)), endpoint: '/ws' });
  let onA: Client;
  let onB: Client;

  beforeAll(async () => {
    [onA, onB] = await Promise.all([client(a), client(b)]);
  });

  it('runs a RedisBroker on each instance, available once started', () => {
    for (const app of [a, b]) {
      const broker = app.app.get<RedisBroker>(STOMP_BROKER);
      expect(broker).toBeInstanceOf(RedisBroker);
      expect(broker.isAvailable).toBe(true);
    }
    expect(a.app.get<RedisBroker>(STOMP_BROKER).cluster.instanceId).not.toBe(b.app.get<RedisBroker>(STOMP_BROKER).cluster.instanceId);
  });

  it("delivers a client's SEND on one instance to subscribers on both, headers and body intact", async () => {
    const [remote, local] = await Promise.all([subscribeConfirmed(onA, '/topic/x'), subscribeConfirmed(onB, '/topic/x')]);
    await publishConfirmed(onB, '/topic/x', 'hello from B', { ...text, 'x-trace': 'abc:1' });
    const binary = Uint8Array.from([0, 1, 2, 255, 0, 10, 58]);
    await publishConfirmed(onB, '/topic/x', binary, { 'content-type': 'application/octet-stream' });

    for (const inbox of [remote, local]) {
      const [hello, bytes] = await inbox.waitFor(2);
      expect(hello!.body).toBe('hello from B');
      expect(hello!.headers).toMatchObject({ destination: '/topic/x', 'content-type': 'text/plain', 'x-trace': 'abc:1' });
      expect(Buffer.from(bytes!.binaryBody)).toEqual(Buffer.from(binary));
      expect(bytes!.headers['content-type']).toBe('application/octet-stream');
    }
  });

  it("delivers a @MessageMapping handler's @SendTo reply on another instance", async () => {
    const inbox = await subscribeConfirmed(onA, '/topic/x');
    onB.publish({ destination: '/app/shout', body: 'quiet please', headers: text });
    const [reply] = await inbox.waitFor(1);
    expect(reply!.body).toBe('QUIET PLEASE');
  });

  it('matches pattern subscriptions on the receiving instance', async () => {
    const stocks = await subscribeConfirmed(onA, '/topic/stocks.*');
    const prices = await subscribeConfirmed(onA, '/topic/prices/**');
    await publishConfirmed(onB, '/topic/stocks.ACME', '1', text);
    await publishConfirmed(onB, '/topic/prices/eu/ACME', '2', text);
    await publishConfirmed(onB, '/topic/other', '3', text);
    await publishConfirmed(onB, '/topic/stocks.LAST', '4', text);
    expect((await stocks.waitFor(2)).map((m) => m.body)).toEqual(['1', '4']);
    expect((await prices.waitFor(1)).map((m) => m.body)).toEqual(['2']);
  });

  it('keeps the order of a burst of 500 messages, the same on every instance', async () => {
    const [onInstanceA, onInstanceB] = await Promise.all([subscribeConfirmed(onA, '/topic/burst'), subscribeConfirmed(onB, '/topic/burst')]);
    // Two publishers, one per instance, interleaving: each one's order is kept, and every
    // subscriber sees the same sequence, wherever it is connected.
    for (let i = 0; i < 250; i++) {
      onA.publish({ destination: '/topic/burst', body: `A${i}`, headers: text });
      onB.publish({ destination: '/topic/burst', body: `B${i}`, headers: text });
    }
    const seenOnA = (await onInstanceA.waitFor(500, 15_000)).map((m) => m.body);
    const seenOnB = (await onInstanceB.waitFor(500, 15_000)).map((m) => m.body);
    const sequence = (from: string) => seenOnA.filter((body) => body.startsWith(from)).map((body) => Number(body.slice(1)));
    expect(sequence('A')).toEqual([...Array(250).keys()]);
    expect(sequence('B')).toEqual([...Array(250).keys()]);
    expect(seenOnB).toEqual(seenOnA);
  }, 20_000);

  it("convertAndSendToUser on one instance reaches the user's sessions on every instance, no one else's", async () => {
    const aliceOnB = await RawStompClient.connect(`${b.wsUrl}/ws`, { login: 'alice' });
    const aliceOnA = await RawStompClient.connect(`${a.wsUrl}/ws`, { login: 'alice' });
    const bobOnB = await RawStompClient.connect(`${b.wsUrl}/ws`, { login: 'bob' });
    try {
      for (const client of [aliceOnB, aliceOnA, bobOnB]) await rawSubscribe(client, 'notes', '/user/queue/notes');
      await a.app.get(SimpMessagingTemplate).convertAndSendToUser('alice', '/queue/notes', { note: 'for alice' });
      await a.app.get(SimpMessagingTemplate).convertAndSendToUser('bob', '/queue/notes', { note: 'for bob' });

      for (const alice of [aliceOnB, aliceOnA]) {
        const message = await alice.nextFrame('MESSAGE');
        expect(JSON.parse(message.text)).toEqual({ note: 'for alice' });
        expect(message.headers).toMatchObject({ destination: '/user/queue/notes', subscription: 'notes', 'content-type': 'application/json;charset=UTF-8' });
      }
      // Bob's message, published after alice's on the same channel, arriving proves alice's did not come to him.
      await bobOnB.nextFrame('MESSAGE');
      expect(rawMessages(bobOnB, 'notes').map((body) => JSON.parse(body) as unknown)).toEqual([{ note: 'for bob' }]);
    } finally {
      await Promise.all([aliceOnB, aliceOnA, bobOnB].map((c) => c.disconnect()));
    }
  });

  it('convertAndSendToSession reaches a session connected to another instance', async () => {
    const anonymousOnB = await RawStompClient.connect(`${b.wsUrl}/ws`);
    try {
      const sessionId = anonymousOnB.frames[0]!.headers.session!;
      await rawSubscribe(anonymousOnB, 'mine', '/user/queue/notes');
      await a.app.get(SimpMessagingTemplate).convertAndSendToSession(sessionId, '/queue/notes', 'just for this session');
      const message = await anonymousOnB.nextFrame('MESSAGE');
      expect(message.text).toBe('just for this session');
      expect(message.headers.destination).toBe('/user/queue/notes');
    } finally {
      await anonymousOnB.disconnect();
    }
  });

  it('point-to-point per instance: each instance gives every /queue message to one of its own consumers', async () => {
    const queue = `/queue/${uniqueChannelPrefix('jobs').replace(/:/g, '-')}`;
    const consumers = [
      await RawStompClient.connect(`${a.wsUrl}/ws`),
      await RawStompClient.connect(`${a.wsUrl}/ws`),
      await RawStompClient.connect(`${b.wsUrl}/ws`),
      await RawStompClient.connect(`${b.wsUrl}/ws`),
    ];
    try {
      for (const consumer of consumers) await rawSubscribe(consumer, 'jobs', queue);
      const sent = Array.from({ length: 10 }, (_, i) => `job ${i}`);
      for (const body of sent) await publishConfirmed(onB, queue, body, text);
      const received = (consumer: RawStompClient) => rawMessages(consumer, 'jobs');
      const instanceShares = [consumers.slice(0, 2), consumers.slice(2)];
      for (const pair of instanceShares) {
        // Round robin between the instance's own two consumers: a copy per instance, one consumer each.
        for (const consumer of pair) await consumer.until(() => received(consumer).length >= 5, 'its half of the messages');
        expect(pair.map((c) => received(c).length)).toEqual([5, 5]);
        expect([...received(pair[0]!), ...received(pair[1]!)].sort()).toEqual([...sent].sort());
      }
    } finally {
      await Promise.all(consumers.map((c) => c.disconnect()));
    }
  }, 20_000);

  it('gives client-acknowledged subscriptions ack ids and checks their ACKs, as the embedded broker', async () => {
    const consumer = await RawStompClient.connect(`${a.wsUrl}/ws`);
    try {
      consumer.send('SUBSCRIBE', { id: 'acked', destination: '/topic/acked', ack: 'client-individual', 'prefetch-count': '1', receipt: 'sub-acked' });
      await consumer.until(() => consumer.frames.some((f) => f.headers['receipt-id'] === 'sub-acked'), 'the RECEIPT of the SUBSCRIBE');
      await publishConfirmed(onB, '/topic/acked', 'first', text);
      const first = await consumer.nextFrame('MESSAGE');
      expect(first.headers.ack).toEqual(first.headers['message-id']);
      consumer.send('ACK', { id: first.headers.ack!, receipt: 'acked' });
      await consumer.until(() => consumer.frames.some((f) => f.headers['receipt-id'] === 'acked'), 'the RECEIPT of the ACK');
      consumer.send('ACK', { id: first.headers.ack! });
      const error = await consumer.nextFrame('ERROR');
      expect(error.headers.message).toBe(
        `ACK id:${first.headers.ack} names no message awaiting acknowledgement: this session was not sent it on a client or client-individual subscription, or has already acknowledged it`,
      );
      await consumer.waitClosed();
    } finally {
      consumer.terminate();
    }
  }, 20_000);

  it('shares nothing with instances of another channel prefix', async () => {
    const outsider = new RedisBroker({ ...STOMP_DEFAULTS.redis, url: SHARED_REDIS_URL, channelPrefix: uniqueChannelPrefix('outsider') }, '/');
    const received: string[] = [];
    const subscriber: BrokerSubscriber = {
      id: 'outsider',
      version: '1.2',
      isClosed: false,
      deliver: (frame) => received.push(frame.toString()),
      deliverMessage: (template, subscriptionId, messageId) => received.push(template.frameFor('1.2', subscriptionId, messageId).toString()),
      deliverFrame: (frame) => received.push(frame.body.toString()),
      brokerLost: () => undefined,
    };
    try {
      await outsider.start();
      outsider.subscribe(subscriber, 's', '/topic/x');
      const done = new Promise<void>((resolve) => outsider.cluster.messages$.subscribe(() => resolve()));
      await publishConfirmed(onB, '/topic/x', 'not for outsiders', text);
      // Redis delivers to a connection in publish order: once the outsider's own later message is
      // back, B's would have arrived before it, had the outsider been subscribed to it.
      await outsider.cluster.publish('sentinel');
      await done;
      expect(received).toEqual([]);
    } finally {
      await outsider.close();
    }
  });
});
