import { Module } from '@nestjs/common';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { StompModule } from 'nest-stomp';
import { useApp } from '../support/apps.js';
import { eventually } from '../support/eventually.js';
import { deleteStreams, natsAvailable, SHARED_NATS_URL, uniqueNatsPrefixes } from '../support/nats.js';
import { RawStompClient, type ReceivedFrame } from '../support/raw-stomp-client.js';
import { unique } from '../support/unique.js';

const describeWithNats = (await natsAvailable()) ? describe : describe.skip;

const prefixes = uniqueNatsPrefixes('live');

@Module({
  imports: [
    StompModule.forRoot({
      endpoint: '/ws',
      broker: { kind: 'jetstream', servers: SHARED_NATS_URL, ...prefixes },
      retention: [{ destinations: '/topic/live/**', maxMessages: 1000 }],
    }),
  ],
})
class LiveTopicsModule {}

const WAIT_MS = 30_000;
const STREAM = `${prefixes.streamPrefix}_R0`;

/** The NATS subject of `/topic/live/<name>` (or of a pattern ending in `*`) in the rule's stream. */
function subjectOf(name: string): string {
  return `${prefixes.subjectPrefix}.r0.topic.live.${name.split('/').join('.')}`;
}

/** How many consumers the NATS server holds on the rule's stream for `subject`: what this instance's subscriptions cost it. */
async function consumersOf(subject: string): Promise<number> {
  const nc = await connect({ servers: SHARED_NATS_URL });
  try {
    const jsm = await jetstreamManager(nc);
    const consumers = await jsm.consumers.list(STREAM).next();
    return consumers.filter(({ config }) => config.filter_subject === subject || config.filter_subjects?.includes(subject)).length;
  } finally {
    await nc.close();
  }
}

function messagesOf(client: RawStompClient, subscription: string): ReceivedFrame[] {
  return client.frames.filter((f) => f.command === 'MESSAGE' && f.headers.subscription === subscription);
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `m${from + i}`);

describeWithNats('JetStream broker: live topic subscriptions share one consumer per destination', () => {
  const app = useApp(LiveTopicsModule);
  const open: RawStompClient[] = [];

  async function connectClient(version: '1.1' | '1.2' = '1.2'): Promise<RawStompClient> {
    const client = await RawStompClient.connect(`${app.wsUrl}/ws`, { 'accept-version': version });
    open.push(client);
    return client;
  }

  function receiptSeen(client: RawStompClient, receipt: string): Promise<void> {
    return client.until(() => client.frames.some((f) => f.headers['receipt-id'] === receipt), `the RECEIPT ${receipt}`, WAIT_MS);
  }

  async function subscribe(client: RawStompClient, id: string, destination: string, headers: Record<string, string> = {}): Promise<void> {
    const receipt = unique(`sub-${id}`);
    client.send('SUBSCRIBE', { id, destination, receipt, ...headers });
    await receiptSeen(client, receipt);
  }

  async function unsubscribe(client: RawStompClient, id: string): Promise<void> {
    const receipt = unique(`unsub-${id}`);
    client.send('UNSUBSCRIBE', { id, receipt });
    await receiptSeen(client, receipt);
  }

  /** SENDs pipelined, the last one with a receipt: resolves once JetStream stored them all. */
  async function publish(client: RawStompClient, destination: string, bodies: readonly string[]): Promise<void> {
    const receipt = unique('stored');
    bodies.forEach((body, i) => {
      client.send('SEND', { destination, 'content-type': 'text/plain', ...(i === bodies.length - 1 ? { receipt } : {}) }, body);
    });
    await receiptSeen(client, receipt);
  }

  /** A RECEIPT round trip on `client`: every MESSAGE the server wrote to it before is in. */
  async function barrier(client: RawStompClient): Promise<void> {
    const receipt = unique('barrier');
    client.send('SEND', { destination: `/topic/${receipt}`, receipt }, '');
    await receiptSeen(client, receipt);
  }

  /** Waits until `subscription` of `client` has `count` messages, then checks nothing more came. */
  async function received(client: RawStompClient, subscription: string, count: number): Promise<string[]> {
    await client.until(() => messagesOf(client, subscription).length >= count, `${count} messages on ${subscription}`, WAIT_MS);
    await barrier(client);
    return messagesOf(client, subscription).map((m) => m.text);
  }

  afterEach(async () => {
    for (const client of open.splice(0)) client.terminate();
  });

  afterAll(async () => {
    await deleteStreams(prefixes.streamPrefix);
  });

  it('gives each live subscriber (STOMP 1.1 and 1.2, several in one session) every message once, in order, under its own subscription id, from one consumer', async () => {
    const name = unique('fan');
    const topic = `/topic/live/${name}`;
    const v12 = await connectClient('1.2');
    const v11 = await connectClient('1.1');
    const other = await connectClient('1.2');
    // Pipelined: the later SUBSCRIBEs arrive while the first one's consumer is being made, and wait for it.
    const subscriptions: [RawStompClient, string][] = [
      [v12, 'one'],
      [v12, 'two'],
      [v11, 'sub-0'],
      [other, 'sub-0'],
    ];
    const receipts = subscriptions.map(([client, id]) => {
      const receipt = unique(`sub-${id}`);
      client.send('SUBSCRIBE', { id, destination: topic, receipt });
      return receiptSeen(client, receipt);
    });
    await Promise.all(receipts);
    expect(await consumersOf(subjectOf(name))).toBe(1);

    const writer = await connectClient();
    await publish(writer, topic, range(0, 300));
    for (const [client, id] of subscriptions) {
      expect(await received(client, id, 300)).toEqual(range(0, 300));
      const messages = messagesOf(client, id);
      expect(messages.every((m) => m.headers.destination === topic && m.headers['message-id'] !== undefined)).toBe(true);
      const offsets = messages.map((m) => Number(m.headers['x-stream-offset']));
      expect(offsets.every((offset, i) => i === 0 || offset > offsets[i - 1]!)).toBe(true);
    }
    // Both of the 1.2 session's subscriptions were written the same stream positions.
    expect(messagesOf(v12, 'one').map((m) => m.headers['x-stream-offset'])).toEqual(messagesOf(v11, 'sub-0').map((m) => m.headers['x-stream-offset']));
  }, 60_000);

  it('keeps the others receiving when one unsubscribes, deletes the consumer after the last, and makes a new one for the next subscriber', async () => {
    const name = unique('leave');
    const topic = `/topic/live/${name}`;
    const [a, b, writer] = [await connectClient(), await connectClient('1.1'), await connectClient()];
    await subscribe(a, 'a', topic);
    await subscribe(b, 'b', topic);
    await publish(writer, topic, range(0, 10));
    await received(a, 'a', 10);
    await unsubscribe(a, 'a');
    await publish(writer, topic, range(10, 20));
    expect(await received(b, 'b', 20)).toEqual(range(0, 20));
    await barrier(a);
    expect(messagesOf(a, 'a').map((m) => m.text)).toEqual(range(0, 10));
    expect(await consumersOf(subjectOf(name))).toBe(1);

    await unsubscribe(b, 'b');
    await eventually(async () => (await consumersOf(subjectOf(name))) === 0, 'the shared consumer to be deleted', WAIT_MS);

    await subscribe(a, 'again', topic);
    expect(await consumersOf(subjectOf(name))).toBe(1);
    await publish(writer, topic, ['new']);
    expect(await received(a, 'again', 1)).toEqual(['new']);
  }, 60_000);

  it('gives a subscriber with x-stream-offset its own consumer and its replay, leaving the live ones as they were; a session’s end counts as leaving', async () => {
    const name = unique('replay');
    const topic = `/topic/live/${name}`;
    const writer = await connectClient();
    await publish(writer, topic, range(0, 5));
    const [live1, live2] = [await connectClient(), await connectClient('1.1')];
    await subscribe(live1, 'live', topic);
    await subscribe(live2, 'live', topic);
    await publish(writer, topic, range(5, 10));
    const replayer = await connectClient();
    await subscribe(replayer, 'replay', topic, { 'x-stream-offset': 'first' });
    expect(await consumersOf(subjectOf(name))).toBe(2);
    await publish(writer, topic, range(10, 15));

    expect(await received(replayer, 'replay', 15)).toEqual(range(0, 15));
    expect(await received(live1, 'live', 10)).toEqual(range(5, 15));
    expect(await received(live2, 'live', 10)).toEqual(range(5, 15));

    await unsubscribe(replayer, 'replay');
    await eventually(async () => (await consumersOf(subjectOf(name))) === 1, 'the replay’s consumer to be deleted', WAIT_MS);
    await publish(writer, topic, ['m15']);
    expect(await received(live1, 'live', 11)).toEqual(range(5, 16));

    live1.terminate();
    await live1.waitClosed();
    await publish(writer, topic, ['m16']);
    expect(await received(live2, 'live', 12)).toEqual(range(5, 17));
    live2.terminate();
    await eventually(async () => (await consumersOf(subjectOf(name))) === 0, 'the shared consumer to be deleted', WAIT_MS);
  }, 60_000);

  it('gives a subscriber joining a running consumer only what was stored after its SUBSCRIBE, though the consumer is still delivering earlier messages', async () => {
    const name = unique('late');
    const topic = `/topic/live/${name}`;
    const [early, late, writer] = [await connectClient(), await connectClient(), await connectClient()];
    await subscribe(early, 'early', topic);
    // Stored (RECEIPT) before the late SUBSCRIBE, and many: the shared consumer is likely still pushing them.
    await publish(writer, topic, range(0, 1000));
    await subscribe(late, 'late', topic);
    await publish(writer, topic, ['new']);
    expect(await received(early, 'early', 1001)).toEqual([...range(0, 1000), 'new']);
    expect(await received(late, 'late', 1)).toEqual(['new']);
    expect(await consumersOf(subjectOf(name))).toBe(1);
  }, 60_000);

  it('shares one consumer among the live subscribers of one pattern, each getting what it matches', async () => {
    const room = unique('rooms');
    const [a, b, writer] = [await connectClient(), await connectClient('1.1'), await connectClient()];
    await subscribe(a, 'p', `/topic/live/${room}/*`);
    await subscribe(b, 'p', `/topic/live/${room}/*`);
    expect(await consumersOf(subjectOf(`${room}/*`))).toBe(1);
    await publish(writer, `/topic/live/${room}/x`, ['x0', 'x1']);
    await publish(writer, `/topic/live/${room}/y`, ['y0']);
    await publish(writer, `/topic/live/${unique('elsewhere')}/x`, ['no']);
    for (const client of [a, b]) {
      expect(await received(client, 'p', 3)).toEqual(['x0', 'x1', 'y0']);
      expect(messagesOf(client, 'p').map((m) => m.headers.destination)).toEqual([`/topic/live/${room}/x`, `/topic/live/${room}/x`, `/topic/live/${room}/y`]);
    }
    await unsubscribe(a, 'p');
    await unsubscribe(b, 'p');
    await eventually(async () => (await consumersOf(subjectOf(`${room}/*`))) === 0, 'the shared consumer to be deleted', WAIT_MS);
  }, 60_000);
});
