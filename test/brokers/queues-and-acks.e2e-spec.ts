import { jest } from '@jest/globals';
import { Module } from '@nestjs/common';
import { Client, Versions, type IFrame, type IMessage } from '@stomp/stompjs';
import { WebSocket } from 'ws';
import { randomUUID } from 'node:crypto';
import { SimpMessagingTemplate, StompModule } from 'nest-stomp';
import { brokerAvailable, startApp, type RunningApp } from '../support/apps.js';
import { deleteRabbitMqQueues, rabbitMqStompAvailable } from '../support/rabbitmq.js';
import { RawStompClient, type ReceivedFrame } from '../support/raw-stomp-client.js';
import { closeAll, messagesOf, publish, receiptFor, subscribe, waitMessages } from '../support/raw-frames.js';
import { Recorder } from '../support/recorder.js';
import { connectStompClient, deactivateAll, subscribeConfirmed } from '../support/stomp-clients.js';
import { unique } from '../support/unique.js';

/**
 * Issue 12: the same scenarios with real clients against the embedded broker and against RabbitMQ
 * through the relay, so that a client written for RabbitMQ's queues and acknowledgements behaves
 * the same on both. Where they differ, each test says what each broker does.
 */

jest.setTimeout(90_000);

const withRabbitMq = await rabbitMqStompAvailable();

/** This run's queue names start with it: runs never share a queue, and the RabbitMQ ones are deleted after. */
const TAG = `nest-stomp-acks-${randomUUID().slice(0, 8)}`;

const authenticate = ({ login }: { login?: string }) => (login ? { name: login } : undefined);

@Module({ imports: [StompModule.forRoot({ endpoint: '/ws', authenticate })] })
class EmbeddedModule {}

@Module({
  imports: [
    StompModule.forRoot({
      endpoint: '/ws',
      authenticate,
      broker: { kind: 'relay', clientQueues: [{ destination: `/queue/${TAG}-*`, allow: 'everyone' }] },
    }),
  ],
})
class RabbitMqModule {}

type BrokerName = 'embedded' | 'RabbitMQ';

const BROKERS: ReadonlyArray<{ readonly broker: BrokerName; readonly module: unknown }> = [
  { broker: 'embedded', module: EmbeddedModule },
  ...(withRabbitMq ? [{ broker: 'RabbitMQ' as const, module: RabbitMqModule }] : []),
];

const TEXT = { 'content-type': 'text/plain' };

describe.each(BROKERS)('queues and acknowledgements: $broker', ({ broker, module }) => {
  let server: RunningApp;
  const clients: RawStompClient[] = [];

  beforeAll(async () => {
    server = await startApp(module);
    if (broker === 'RabbitMQ') await brokerAvailable(server.app);
  });

  afterEach(async () => {
    await closeAll(...clients.splice(0));
  });

  afterAll(async () => {
    await server?.close();
    if (broker === 'RabbitMQ') await deleteRabbitMqQueues(TAG);
  });

  const newQueue = () => `/queue/${TAG}-${unique('q')}`;
  /** A first delivery: RabbitMQ says `redelivered:false` on every MESSAGE; the embedded broker writes the header only when it is true. */
  const firstDelivery = broker === 'embedded' ? undefined : 'false';

  async function connect(headers: Record<string, string> = {}): Promise<RawStompClient> {
    const client = await RawStompClient.connect(`${server.wsUrl}/ws`, headers);
    clients.push(client);
    return client;
  }

  /** ACK or NACK with a receipt, and wait for it: the broker has settled the message. */
  async function settle(client: RawStompClient, command: 'ACK' | 'NACK', message: ReceivedFrame, headers: Record<string, string> = {}): Promise<void> {
    const receipt = unique(command.toLowerCase());
    client.send(command, { id: message.headers.ack!, receipt, ...headers });
    await receiptFor(client, receipt);
  }

  /**
   * Publishes a marker to `queue` and waits for `consumer` to receive it: every message the broker
   * would have given this (only) consumer before the marker has arrived by then.
   */
  async function markerReaches(consumer: RawStompClient, publisher: RawStompClient, queue: string): Promise<void> {
    const marker = unique('marker');
    await publish(publisher, queue, marker);
    await consumer.until(() => messagesOf(consumer).some((m) => m.text === marker), `the marker ${marker}`);
  }

  const bodies = (frames: readonly ReceivedFrame[]) => frames.map((f) => f.text);

  it('competing consumers get disjoint shares that add up to every message, each in order', async () => {
    const queue = newQueue();
    const consumers = [await connect(), await connect(), await connect()];
    for (const consumer of consumers) await subscribe(consumer, queue);
    const publisher = await connect();
    const sent = Array.from({ length: 30 }, (_, i) => `job-${String(i).padStart(2, '0')}`);
    for (const body of sent) publisher.send('SEND', { destination: queue, ...TEXT }, body);
    await publish(publisher, queue, 'last');

    const all = [...sent, 'last'];
    await publisher.until(() => consumers.reduce((n, c) => n + messagesOf(c).length, 0) >= all.length, 'every message at some consumer');
    const shares = consumers.map((c) => bodies(messagesOf(c)));
    expect(shares.flat().sort()).toEqual([...all].sort());
    for (const share of shares) {
      expect(share.length).toBeGreaterThan(0);
      expect(share).toEqual(all.filter((body) => share.includes(body)));
    }
  });

  it('client-individual: each message is acknowledged alone; what was not comes back, redelivered, after the consumer goes', async () => {
    const queue = newQueue();
    const first = await connect();
    await subscribe(first, queue, 'work', { ack: 'client-individual' });
    const publisher = await connect();
    for (const body of ['a', 'b', 'c']) await publish(publisher, queue, body);
    const [a, b, c] = await waitMessages(first, 3);
    // Every MESSAGE of a client-acknowledged subscription names its ack id (STOMP 1.2).
    for (const message of [a!, b!, c!]) expect(message.headers.ack).toEqual(expect.any(String));
    expect(new Set([a, b, c].map((m) => m!.headers.ack)).size).toBe(3);
    await settle(first, 'ACK', a!);
    await settle(first, 'ACK', c!);
    await first.disconnect();

    const second = await connect();
    await subscribe(second, queue, 'work', { ack: 'client-individual' });
    await markerReaches(second, publisher, queue);
    const [again] = messagesOf(second);
    expect(again!.text).toBe('b');
    expect(again!.headers.redelivered).toBe('true');
    expect(bodies(messagesOf(second))).toEqual(['b', expect.stringMatching(/^marker-/)]);
  });

  it('client: an ACK acknowledges every earlier message of the subscription too', async () => {
    const queue = newQueue();
    const first = await connect();
    await subscribe(first, queue, 'work', { ack: 'client' });
    const publisher = await connect();
    for (const body of ['a', 'b', 'c', 'd']) await publish(publisher, queue, body);
    const received = await waitMessages(first, 4);
    await settle(first, 'ACK', received[2]!);
    await first.disconnect();

    const second = await connect();
    await subscribe(second, queue, 'work', { ack: 'client' });
    await markerReaches(second, publisher, queue);
    expect(bodies(messagesOf(second))).toEqual(['d', expect.stringMatching(/^marker-/)]);
    expect(messagesOf(second)[0]!.headers.redelivered).toBe('true');
  });

  it('NACK with @stomp/stompjs: the message comes back with redelivered:true, and ack()/nack() are accepted', async () => {
    const queue = newQueue();
    const stomp = await connectStompClient(`${server.wsUrl}/ws`);
    const errors: IFrame[] = [];
    stomp.onStompError = (frame) => errors.push(frame);
    try {
      const inbox = new Recorder<IMessage>();
      const receipt = unique('sub');
      const subscribed = new Promise<void>((resolve) => stomp.watchForReceipt(receipt, () => resolve()));
      stomp.subscribe(queue, inbox.push, { ack: 'client-individual', receipt });
      await subscribed;
      const publisher = await connect();
      await publish(publisher, queue, 'keep');
      await publish(publisher, queue, 'retry');
      const [keep, retry] = await inbox.waitFor(2);
      expect(keep!.headers.ack).toEqual(expect.any(String));
      keep!.ack();
      retry!.nack();
      const [, , again] = await inbox.waitFor(3);
      expect(again!.body).toBe('retry');
      expect(again!.headers.redelivered).toBe('true');
      expect(again!.headers.ack).not.toBe(retry!.headers.ack);
      again!.ack();
      await publish(publisher, queue, 'after');
      const [, , , after] = await inbox.waitFor(4);
      expect(after!.body).toBe('after');
      expect(after!.headers.redelivered).toBe(firstDelivery);
      expect(errors).toEqual([]);
    } finally {
      await deactivateAll(stomp);
    }
  });

  it('a STOMP 1.1 client (@stomp/stompjs) acknowledges by message-id and subscription', async () => {
    const queue = newQueue();
    const stomp = new Client({
      webSocketFactory: () => new WebSocket(`${server.wsUrl}/ws`, ['v11.stomp']),
      stompVersions: new Versions([Versions.V1_1]),
      reconnectDelay: 0,
      heartbeatIncoming: 0,
      heartbeatOutgoing: 0,
    });
    const errors: IFrame[] = [];
    stomp.onStompError = (frame) => errors.push(frame);
    const connected = new Promise<IFrame>((resolve) => (stomp.onConnect = resolve));
    stomp.activate();
    try {
      expect((await connected).headers.version).toBe('1.1');
      const inbox = await subscribeConfirmed(stomp, queue, { ack: 'client-individual' });
      const publisher = await connect();
      await publish(publisher, queue, 'one');
      const [one] = await inbox.waitFor(1);
      if (broker === 'embedded') expect(one!.headers.ack).toBeUndefined();
      one!.nack();
      const [, again] = await inbox.waitFor(2);
      expect(again!.body).toBe('one');
      expect(again!.headers.redelivered).toBe('true');
      again!.ack();
      await publish(publisher, queue, 'two');
      const [, , two] = await inbox.waitFor(3);
      expect(two!.body).toBe('two');
      expect(errors).toEqual([]);
    } finally {
      await deactivateAll(stomp);
    }
  });

  it('a consumer that disconnects mid-stream loses nothing: its unacknowledged messages go to the other, flagged redelivered', async () => {
    const queue = newQueue();
    const leaving = await connect();
    await subscribe(leaving, queue, 'work', { ack: 'client-individual', 'prefetch-count': '5' });
    const staying = await connect();
    await subscribe(staying, queue, 'work', { ack: 'client-individual', 'prefetch-count': '5' });
    // The one that stays acknowledges everything as it arrives.
    let acked = 0;
    staying.socket.on('message', () => {
      for (const message of messagesOf(staying).slice(acked)) staying.send('ACK', { id: message.headers.ack! });
      acked = messagesOf(staying).length;
    });
    const publisher = await connect();
    const sent = Array.from({ length: 20 }, (_, i) => `m${i}`);
    for (const body of sent) publisher.send('SEND', { destination: queue, ...TEXT }, body);
    await publish(publisher, queue, 'm20');
    sent.push('m20');

    const held = await waitMessages(leaving, 5);
    await settle(leaving, 'ACK', held[0]!);
    await settle(leaving, 'ACK', held[1]!);
    const acknowledgedByLeaving = new Set([held[0]!.text, held[1]!.text]);
    leaving.terminate();
    await leaving.waitClosed();

    await staying.until(
      () => sent.every((body) => acknowledgedByLeaving.has(body) || messagesOf(staying).some((m) => m.text === body)),
      'every message not acknowledged by the leaving consumer',
    );
    const receivedByLeaving = new Set(bodies(messagesOf(leaving)));
    const got = messagesOf(staying);
    // Nothing lost, nothing twice, and nothing the leaving consumer acknowledged comes again.
    expect(new Set(bodies(got)).size).toBe(got.length);
    for (const body of acknowledgedByLeaving) expect(bodies(got)).not.toContain(body);
    // What the other had been sent comes flagged; the rest does not.
    for (const message of got) expect(message.headers.redelivered).toBe(receivedByLeaving.has(message.text) ? 'true' : firstDelivery);
    expect(got.filter((m) => m.headers.redelivered === 'true').length).toBeGreaterThanOrEqual(3);
  });

  it('prefetch-count: delivery pauses at the limit of unacknowledged messages and resumes with each ACK', async () => {
    const queue = newQueue();
    const consumer = await connect();
    await subscribe(consumer, queue, 'work', { ack: 'client-individual', 'prefetch-count': '2' });
    const publisher = await connect();
    for (const body of ['a', 'b', 'c', 'd', 'e']) await publish(publisher, queue, body);
    const [a] = await waitMessages(consumer, 2);
    // A round trip on the consumer's own connection: what was on its way has arrived.
    await publish(consumer, `/topic/${unique('barrier')}`, '');
    expect(bodies(messagesOf(consumer))).toEqual(['a', 'b']);

    await settle(consumer, 'ACK', a!);
    const [, b, c] = await waitMessages(consumer, 3);
    expect(c!.text).toBe('c');
    await settle(consumer, 'ACK', b!);
    await settle(consumer, 'ACK', c!);
    expect(bodies(await waitMessages(consumer, 5))).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('an ACK inside a transaction takes effect at COMMIT, and not at all after ABORT', async () => {
    const queue = newQueue();
    const consumer = await connect();
    await subscribe(consumer, queue, 'work', { ack: 'client-individual', 'prefetch-count': '1' });
    const publisher = await connect();
    for (const body of ['a', 'b']) await publish(publisher, queue, body);
    const [a] = await waitMessages(consumer, 1);

    consumer.send('BEGIN', { transaction: 'tx1' });
    await settle(consumer, 'ACK', a!, { transaction: 'tx1' });
    await publish(consumer, `/topic/${unique('barrier')}`, '');
    // Held by the transaction: the consumer is still at its prefetch.
    expect(bodies(messagesOf(consumer))).toEqual(['a']);
    consumer.send('COMMIT', { transaction: 'tx1', receipt: 'committed' });
    await receiptFor(consumer, 'committed');
    const [, b] = await waitMessages(consumer, 2);
    expect(b!.text).toBe('b');

    consumer.send('BEGIN', { transaction: 'tx2' });
    await settle(consumer, 'ACK', b!, { transaction: 'tx2' });
    consumer.send('ABORT', { transaction: 'tx2', receipt: 'aborted' });
    await receiptFor(consumer, 'aborted');
    await consumer.disconnect();

    const next = await connect();
    await subscribe(next, queue, 'work', { ack: 'client-individual' });
    await markerReaches(next, publisher, queue);
    expect(bodies(messagesOf(next))).toEqual(['b', expect.stringMatching(/^marker-/)]);
    expect(messagesOf(next)[0]!.headers.redelivered).toBe('true');
  });

  it('a client-acknowledged /user/queue subscription gets ack ids, and its ACK is settled without the broker', async () => {
    const alice = await connect({ login: `alice-${TAG}` });
    await subscribe(alice, '/user/queue/notes', 'notes', { ack: 'client' });
    const template = server.app.get(SimpMessagingTemplate);
    await template.convertAndSendToUser(`alice-${TAG}`, '/queue/notes', 'one');
    await template.convertAndSendToUser(`alice-${TAG}`, '/queue/notes', 'two');
    const [one, two] = await waitMessages(alice, 2);
    expect(one!.headers.ack).toEqual(expect.any(String));
    expect(one!.headers['message-id']).toBe(one!.headers.ack);
    expect(two!.headers.ack).not.toBe(one!.headers.ack);
    await settle(alice, 'ACK', two!);
    // Cumulative: `one` was acknowledged with `two`.
    alice.send('ACK', { id: one!.headers.ack! });
    const error = await alice.nextFrame('ERROR');
    expect(error.headers.message).toBe(
      `ACK id:${one!.headers.ack} names no message awaiting acknowledgement: this session was not sent it on a client or client-individual subscription, or has already acknowledged it`,
    );
    await alice.waitClosed();
  });

  it('an ACK naming an id the session was never sent is an ERROR', async () => {
    const queue = newQueue();
    const consumer = await connect();
    await subscribe(consumer, queue, 'work', { ack: 'client-individual' });
    consumer.send('ACK', { id: 'no-such-id', receipt: 'r-ack' });
    const error = await consumer.nextFrame('ERROR');
    if (broker === 'embedded') {
      expect(error.headers.message).toBe(
        'ACK id:no-such-id names no message awaiting acknowledgement: this session was not sent it on a client or client-individual subscription, or has already acknowledged it',
      );
    } else {
      // RabbitMQ answers the relayed ACK with an ERROR of its own, which ends the session.
      expect(error.headers.message).toBe('The message broker sent an ERROR: Invalid header ("ACK" must include a valid "id" header)');
    }
    await consumer.waitClosed();
  });

  it('an ACK of a message already acknowledged is an ERROR', async () => {
    const queue = newQueue();
    const consumer = await connect();
    await subscribe(consumer, queue, 'work', { ack: 'client-individual' });
    const publisher = await connect();
    await publish(publisher, queue, 'once');
    const [once] = await waitMessages(consumer, 1);
    await settle(consumer, 'ACK', once!);
    consumer.send('ACK', { id: once!.headers.ack! });
    const error = await consumer.nextFrame('ERROR');
    if (broker === 'embedded') {
      expect(error.headers.message).toBe(
        `ACK id:${once!.headers.ack} names no message awaiting acknowledgement: this session was not sent it on a client or client-individual subscription, or has already acknowledged it`,
      );
    } else {
      // The delivery tag behind the ack id: RabbitMQ no longer knows it, and closes the channel.
      expect(error.headers.message).toMatch(/^The message broker sent an ERROR: precondition_failed \(PRECONDITION_FAILED - unknown delivery tag \d+\)$/);
    }
    await consumer.waitClosed();
  });
});
