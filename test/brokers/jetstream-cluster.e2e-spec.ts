import { Module } from '@nestjs/common';
import type { Client } from '@stomp/stompjs';
import { JetStreamBroker, SimpMessagingTemplate, STOMP_BROKER, StompModule } from 'nest-stomp';
import { startApp } from '../support/apps.js';
import { deleteStreams, natsAvailable, SHARED_NATS_URL, streamNames, uniqueNatsPrefixes } from '../support/nats.js';
import { RawStompClient } from '../support/raw-stomp-client.js';
import { barrier, publishConfirmed, subscribeConfirmed } from '../support/stomp-clients.js';
import { useTwoInstances } from '../support/two-instances.js';
import { unique } from '../support/unique.js';

const describeWithNats = (await natsAvailable()) ? describe : describe.skip;

const prefixes = uniqueNatsPrefixes('cluster');

/** One application instance; instances built with the same prefixes share their broker destinations. */
function instanceModule(): unknown {
  @Module({
    imports: [
      StompModule.forRoot({
        endpoint: '/ws',
        broker: { kind: 'jetstream', servers: SHARED_NATS_URL, ...prefixes, ackWait: 60_000 },
        retention: [{ destinations: ['/topic/log/**', '/topic/kept.*'], maxMessages: 1000 }],
        maxPatternSubscriptionsPerSession: 3,
        authenticate: ({ login }) => (login ? { name: login } : undefined),
      }),
    ],
  })
  class JetStreamInstanceModule {}
  return JetStreamInstanceModule;
}

const text = { 'content-type': 'text/plain' };

async function rawSubscribe(client: RawStompClient, id: string, destination: string, headers: Record<string, string> = {}): Promise<void> {
  client.send('SUBSCRIBE', { id, destination, receipt: `sub-${id}`, ...headers });
  await client.until(() => client.frames.some((f) => f.command === 'RECEIPT' && f.headers['receipt-id'] === `sub-${id}`), `the RECEIPT of ${id}`);
}

function messagesOf(client: RawStompClient, subscription: string) {
  return client.frames.filter((f) => f.command === 'MESSAGE' && f.headers.subscription === subscription);
}

describeWithNats('JetStream broker: two application instances', () => {
  const { a, b, client } = useTwoInstances({ start: () => startApp(instanceModule()), endpoint: '/ws' });
  let onA: Client;
  let onB: Client;

  beforeAll(async () => {
    [onA, onB] = await Promise.all([client(a), client(b)]);
  });

  afterAll(async () => {
    await deleteStreams(prefixes.streamPrefix);
  });

  it('runs a JetStreamBroker on each instance, which created the streams of the retention rules and the queues', async () => {
    for (const app of [a, b]) {
      const broker = app.app.get<JetStreamBroker>(STOMP_BROKER);
      expect(broker).toBeInstanceOf(JetStreamBroker);
      expect(broker.isAvailable).toBe(true);
    }
    expect(a.app.get<JetStreamBroker>(STOMP_BROKER).cluster.instanceId).not.toBe(b.app.get<JetStreamBroker>(STOMP_BROKER).cluster.instanceId);
    expect(await streamNames(prefixes.streamPrefix)).toEqual([`${prefixes.streamPrefix}_Q`, `${prefixes.streamPrefix}_R0`]);
  });

  it('fans a topic message out to every subscriber on every instance, headers and body intact, with no offset when not retained', async () => {
    const topic = `/topic/${unique('plain')}`;
    const [remote, local] = await Promise.all([subscribeConfirmed(onA, topic), subscribeConfirmed(onB, topic)]);
    await publishConfirmed(onB, topic, 'hello from B', { ...text, 'x-trace': 'abc:1' });
    const binary = Uint8Array.from([0, 1, 2, 255, 0, 10, 58]);
    await publishConfirmed(onB, topic, binary, { 'content-type': 'application/octet-stream' });
    for (const inbox of [remote, local]) {
      const [hello, bytes] = await inbox.waitFor(2, 10_000);
      expect(hello!.body).toBe('hello from B');
      expect(hello!.headers).toMatchObject({ destination: topic, 'content-type': 'text/plain', 'x-trace': 'abc:1' });
      expect(hello!.headers['x-stream-offset']).toBeUndefined();
      expect(Buffer.from(bytes!.binaryBody)).toEqual(Buffer.from(binary));
    }
  });

  it('fans a retained message out on every instance, each MESSAGE carrying its increasing x-stream-offset', async () => {
    const topic = `/topic/log/${unique('kept')}`;
    const [remote, local] = await Promise.all([subscribeConfirmed(onA, topic), subscribeConfirmed(onB, topic)]);
    for (let i = 0; i < 20; i++) onB.publish({ destination: topic, body: `m${i}`, headers: text });
    await publishConfirmed(onB, topic, 'last', text);
    const seen = await Promise.all([remote.waitFor(21, 10_000), local.waitFor(21, 10_000)]);
    for (const messages of seen) {
      expect(messages.map((m) => m.body)).toEqual([...[...Array(20).keys()].map((i) => `m${i}`), 'last']);
      const offsets = messages.map((m) => Number(m.headers['x-stream-offset']));
      expect(offsets.every((offset, i) => Number.isInteger(offset) && (i === 0 || offset > offsets[i - 1]!))).toBe(true);
    }
    expect(seen[0]!.map((m) => m.headers['x-stream-offset'])).toEqual(seen[1]!.map((m) => m.headers['x-stream-offset']));
  });

  it('matches pattern subscriptions over retained and plain destinations', async () => {
    const id = unique('p');
    const kept = await subscribeConfirmed(onA, `/topic/kept.*`);
    const tree = await subscribeConfirmed(onA, `/topic/${id}/**`);
    await publishConfirmed(onB, `/topic/kept.${id}`, '1', text);
    await publishConfirmed(onB, `/topic/${id}/eu/ACME`, '2', text);
    await publishConfirmed(onB, `/topic/${id}`, '3', text);
    await publishConfirmed(onB, `/topic/other.${id}`, '4', text);
    await publishConfirmed(onB, `/topic/kept.${id}/more`, '5', text);
    await publishConfirmed(onB, `/topic/kept.${id}`, '6', text);
    expect((await kept.waitFor(2, 10_000)).map((m) => [m.body, m.headers['x-stream-offset'] !== undefined])).toEqual([
      ['1', true],
      ['6', true],
    ]);
    expect((await tree.waitFor(2, 10_000)).map((m) => m.body)).toEqual(['2', '3']);
    await barrier(onA);
    expect(kept.items).toHaveLength(2);
    expect(tree.items).toHaveLength(2);
  });

  it('gives each message of a /queue to exactly one of its subscribers across both instances', async () => {
    const queue = `/queue/${unique('jobs')}`;
    const consumers = await Promise.all([subscribeConfirmed(onA, queue), subscribeConfirmed(onB, queue), subscribeConfirmed(await client(b), queue)]);
    const template = a.app.get(SimpMessagingTemplate);
    const count = 300;
    for (let i = 0; i < count; i++) await template.convertAndSend(queue, i);
    const total = () => consumers.reduce((sum, inbox) => sum + inbox.items.length, 0);
    await consumers[0]!.until(() => total() >= count, `${count} messages in all`, 20_000);
    const shares = consumers.map((inbox) => inbox.items.map((m) => Number(m.body)));
    expect(shares.flat().sort((x, y) => x - y)).toEqual([...Array(count).keys()]);
    for (const share of shares) expect(share).toEqual([...share].sort((x, y) => x - y));
    // JetStream hands messages to whichever pull asks: more than one subscriber gets a share.
    expect(shares.filter((share) => share.length > 0).length).toBeGreaterThan(1);
    await Promise.all([barrier(onA), barrier(onB)]);
    expect(total()).toBe(count);
  }, 30_000);

  it('keeps a queue message for a subscriber that comes later, on any instance', async () => {
    const queue = `/queue/${unique('later')}`;
    // A first subscriber makes the queue's consumer, then goes.
    const first = await RawStompClient.connect(`${a.wsUrl}/ws`);
    await rawSubscribe(first, 's', queue);
    await first.disconnect();
    await publishConfirmed(onA, queue, 'waiting', text);
    const inbox = await subscribeConfirmed(onB, queue);
    expect((await inbox.waitFor(1, 10_000))[0]!.body).toBe('waiting');
  });

  it('redelivers a NACKed queue message with redelivered:true, and an ACK settles it (client-individual)', async () => {
    const queue = `/queue/${unique('acks')}`;
    const worker = await RawStompClient.connect(`${b.wsUrl}/ws`);
    try {
      await rawSubscribe(worker, 'w', queue, { ack: 'client-individual' });
      await publishConfirmed(onA, queue, 'job-1', text);
      await publishConfirmed(onA, queue, 'job-2', text);
      await worker.until(() => messagesOf(worker, 'w').length >= 2, 'two jobs', 10_000);
      const [one, two] = messagesOf(worker, 'w');
      expect(one!.headers.ack).toBeDefined();
      expect(one!.headers.ack).toBe(one!.headers['message-id']);
      expect(one!.headers.redelivered).toBeUndefined();
      worker.send('ACK', { id: two!.headers.ack! });
      worker.send('NACK', { id: one!.headers.ack!, receipt: 'nacked' });
      await worker.until(() => messagesOf(worker, 'w').length >= 3, 'the redelivery', 10_000);
      const again = messagesOf(worker, 'w')[2]!;
      expect(again.text).toBe('job-1');
      expect(again.headers.redelivered).toBe('true');
      expect(again.headers.ack).not.toBe(one!.headers.ack);
      worker.send('ACK', { id: again.headers.ack!, receipt: 'done' });
      await worker.until(() => worker.frames.some((f) => f.headers['receipt-id'] === 'done'), 'the ACK receipt');
      // An ack id already settled is unknown now.
      worker.send('ACK', { id: one!.headers.ack! });
      const error = await worker.nextFrame('ERROR');
      expect(error.headers.message).toContain(`'${one!.headers.ack}'`);
      expect(error.text + error.headers.message).toMatch(/ACK/);
    } finally {
      worker.terminate();
    }
  });

  it('lets a STOMP 1.1 client acknowledge by message-id (no ack header), refusing an id it was not sent', async () => {
    const queue = `/queue/${unique('v11')}`;
    const worker = await RawStompClient.connect(`${a.wsUrl}/ws`, { 'accept-version': '1.1' });
    try {
      expect(worker.frames[0]!.headers.version).toBe('1.1');
      await rawSubscribe(worker, 'w', queue, { ack: 'client-individual' });
      await publishConfirmed(onB, queue, 'job', text);
      await worker.until(() => messagesOf(worker, 'w').length >= 1, 'the job', 10_000);
      const [job] = messagesOf(worker, 'w');
      expect(job!.headers.ack).toBeUndefined();
      worker.send('NACK', { subscription: 'w', 'message-id': job!.headers['message-id']! });
      await worker.until(() => messagesOf(worker, 'w').length >= 2, 'the redelivery', 10_000);
      const again = messagesOf(worker, 'w')[1]!;
      expect([again.text, again.headers.redelivered]).toEqual(['job', 'true']);
      worker.send('ACK', { subscription: 'w', 'message-id': again.headers['message-id']!, receipt: 'acked' });
      await worker.until(() => worker.frames.some((f) => f.headers['receipt-id'] === 'acked'), 'the ACK receipt');
      worker.send('ACK', { subscription: 'w', 'message-id': 'never-sent' });
      expect((await worker.nextFrame('ERROR')).headers.message).toContain("'never-sent'");
    } finally {
      worker.terminate();
    }
  });

  it('redelivers to another subscriber what a client-ack subscriber left unacknowledged when it went (client: ACK is cumulative)', async () => {
    const queue = `/queue/${unique('handover')}`;
    const first = await RawStompClient.connect(`${a.wsUrl}/ws`);
    await rawSubscribe(first, 'f', queue, { ack: 'client' });
    for (let i = 0; i < 5; i++) await publishConfirmed(onB, queue, `job-${i}`, text);
    await first.until(() => messagesOf(first, 'f').length >= 5, 'five jobs', 10_000);
    // ACK of the third acknowledges the first three; the last two go back to the queue.
    first.send('ACK', { id: messagesOf(first, 'f')[2]!.headers.ack!, receipt: 'acked' });
    await first.until(() => first.frames.some((f) => f.headers['receipt-id'] === 'acked'), 'the ACK receipt');
    await first.disconnect();
    const second = await subscribeConfirmed(onB, queue);
    const redelivered = await second.waitFor(2, 10_000);
    expect(redelivered.map((m) => [m.body, m.headers.redelivered])).toEqual([
      ['job-3', 'true'],
      ['job-4', 'true'],
    ]);
    await barrier(onB);
    expect(second.items).toHaveLength(2);
  }, 20_000);

  it('refuses a destination too long for a NATS subject with an ERROR, and goes on serving everyone else', async () => {
    const sender = await RawStompClient.connect(`${a.wsUrl}/ws`);
    sender.send('SEND', { destination: `/topic/${'x'.repeat(5000)}`, receipt: 'long' }, 'too long');
    expect((await sender.nextFrame('ERROR')).headers.message).toContain('is too long for the JetStream broker');
    const topic = `/topic/${unique('after-long')}`;
    const inbox = await subscribeConfirmed(onB, topic);
    await publishConfirmed(onA, topic, 'still here', text);
    expect((await inbox.waitFor(1, 10_000))[0]!.body).toBe('still here');
  });

  it('bounds the pattern subscriptions of a session as the embedded broker does', async () => {
    const greedy = await RawStompClient.connect(`${a.wsUrl}/ws`);
    try {
      for (let i = 0; i < 3; i++) await rawSubscribe(greedy, `p${i}`, `/topic/${unique('many')}/*`);
      // Unsubscribing one frees its place.
      greedy.send('UNSUBSCRIBE', { id: 'p0' });
      await rawSubscribe(greedy, 'p3', `/topic/${unique('again')}/**`);
      greedy.send('SUBSCRIBE', { id: 'p4', destination: '/topic/one-too-many/*' });
      const error = await greedy.nextFrame('ERROR');
      expect(error.headers.message).toContain('Too many pattern subscriptions: a session may hold at most 3 (option maxPatternSubscriptionsPerSession)');
    } finally {
      greedy.terminate();
    }
  });

  it("convertAndSendToUser on one instance reaches the user's sessions on the other", async () => {
    const aliceOnB = await RawStompClient.connect(`${b.wsUrl}/ws`, { login: 'alice' });
    try {
      await rawSubscribe(aliceOnB, 'notes', '/user/queue/notes');
      await a.app.get(SimpMessagingTemplate).convertAndSendToUser('alice', '/queue/notes', { note: 'for alice' });
      const message = await aliceOnB.nextFrame('MESSAGE');
      expect(JSON.parse(message.text)).toEqual({ note: 'for alice' });
      expect(message.headers.destination).toBe('/user/queue/notes');
    } finally {
      await aliceOnB.disconnect();
    }
  });
});
