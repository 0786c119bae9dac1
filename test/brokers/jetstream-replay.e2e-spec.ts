import { Module } from '@nestjs/common';
import { JetStreamBroker, STOMP_DEFAULTS, StompModule } from 'nest-stomp';
import { useApp } from '../support/apps.js';
import { eventually } from '../support/eventually.js';
import { deleteStreams, natsAvailable, SHARED_NATS_URL, streamConfig, uniqueNatsPrefixes } from '../support/nats.js';
import { RawStompClient, type ReceivedFrame } from '../support/raw-stomp-client.js';
import { unique } from '../support/unique.js';

const describeWithNats = (await natsAvailable()) ? describe : describe.skip;

const prefixes = uniqueNatsPrefixes('replay');

@Module({
  imports: [
    StompModule.forRoot({
      endpoint: '/ws',
      broker: { kind: 'jetstream', servers: SHARED_NATS_URL, ...prefixes },
      retention: [
        { destinations: '/topic/log/**', maxMessages: 5000 },
        { destinations: '/topic/short/**', maxMessages: 5 },
      ],
    }),
  ],
})
class ReplayModule {}

const WAIT_MS = 30_000;

function messagesOf(client: RawStompClient, subscription: string): ReceivedFrame[] {
  return client.frames.filter((f) => f.command === 'MESSAGE' && f.headers.subscription === subscription);
}

function offsetsOf(messages: readonly ReceivedFrame[]): number[] {
  return messages.map((m) => Number(m.headers['x-stream-offset']));
}

describeWithNats('JetStream broker: replay by x-stream-offset', () => {
  const app = useApp(ReplayModule);
  const open: RawStompClient[] = [];

  async function connect(): Promise<RawStompClient> {
    const client = await RawStompClient.connect(`${app.wsUrl}/ws`);
    open.push(client);
    return client;
  }

  async function subscribe(client: RawStompClient, id: string, destination: string, offset?: string): Promise<void> {
    client.send('SUBSCRIBE', { id, destination, receipt: `sub-${id}`, ...(offset === undefined ? {} : { 'x-stream-offset': offset }) });
    await client.until(() => client.frames.some((f) => f.headers['receipt-id'] === `sub-${id}`), `the RECEIPT of ${id}`);
  }

  /** SENDs pipelined, the last one with a receipt: resolves once JetStream stored them all. */
  async function publish(client: RawStompClient, destination: string, bodies: readonly string[]): Promise<void> {
    const receipt = unique('stored');
    bodies.forEach((body, i) => {
      client.send('SEND', { destination, 'content-type': 'text/plain', ...(i === bodies.length - 1 ? { receipt } : {}) }, body);
    });
    await client.until(() => client.frames.some((f) => f.headers['receipt-id'] === receipt), `the RECEIPT of ${bodies.length} SENDs`, WAIT_MS);
  }

  /** A RECEIPT round trip on `client`: every MESSAGE the server wrote to it before is in. */
  async function barrier(client: RawStompClient): Promise<void> {
    const receipt = unique('barrier');
    client.send('SEND', { destination: `/topic/${receipt}`, receipt }, '');
    await client.until(() => client.frames.some((f) => f.headers['receipt-id'] === receipt), 'the barrier');
  }

  const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `m${from + i}`);

  afterEach(async () => {
    for (const client of open.splice(0)) client.terminate();
  });

  afterAll(async () => {
    await deleteStreams(prefixes.streamPrefix);
  });

  it('made a stream per retention rule with its limits, and a work-queue stream, and brings them to changed options', async () => {
    const ns = (ms: number) => ms * 1_000_000;
    expect(await streamConfig(`${prefixes.streamPrefix}_R1`)).toMatchObject({
      subjects: [`${prefixes.subjectPrefix}.r1.>`],
      retention: 'limits',
      storage: 'file',
      discard: 'old',
      max_msgs_per_subject: 5,
      max_age: ns(STOMP_DEFAULTS.retentionRule.maxAge),
      max_bytes: STOMP_DEFAULTS.retentionRule.maxBytes,
    });
    expect(await streamConfig(`${prefixes.streamPrefix}_Q`)).toMatchObject({ retention: 'workqueue', max_msgs_per_subject: STOMP_DEFAULTS.jetstream.queueMaxMessages });

    // A new version of the options with other limits (an age under JetStream's 2-minute duplicate
    // window included): the streams follow. On streams of their own, the app's staying as they are.
    const own = uniqueNatsPrefixes('changed');
    const broker = (maxMessages: number, maxAge: number) =>
      new JetStreamBroker({ ...STOMP_DEFAULTS.jetstream, queuePrefixes: ['/queue/'], servers: [SHARED_NATS_URL], ...own }, '/', [{ destinations: ['/topic/**'], maxMessages, maxAge, maxBytes: 1 << 20 }]);
    try {
      for (const [maxMessages, maxAge] of [
        [10, 3_600_000],
        [7, 60_000],
      ] as const) {
        const instance = broker(maxMessages, maxAge);
        try {
          await instance.start();
          expect(instance.isAvailable).toBe(true);
          expect(await streamConfig(`${own.streamPrefix}_R0`)).toMatchObject({ max_msgs_per_subject: maxMessages, max_age: ns(maxAge), max_bytes: 1 << 20 });
        } finally {
          await instance.close();
        }
      }
    } finally {
      await deleteStreams(own.streamPrefix);
    }
  });

  it('lets a subscriber that dropped mid-stream of 1000 messages resume with offset=<last+1>: all the rest, in order, none twice', async () => {
    const topic = `/topic/log/${unique('drop')}`;
    const writer = await connect();
    const reader = await connect();
    await subscribe(reader, 'r', topic);
    await publish(writer, topic, range(0, 500));
    await reader.until(() => messagesOf(reader, 'r').length >= 200, '200 messages', WAIT_MS);
    reader.terminate();
    await reader.waitClosed();
    const before = messagesOf(reader, 'r');
    await publish(writer, topic, range(500, 1000));

    const last = Number(before[before.length - 1]!.headers['x-stream-offset']);
    const resumed = await connect();
    await subscribe(resumed, 'again', topic, `offset=${last + 1}`);
    await resumed.until(() => messagesOf(resumed, 'again').length >= 1000 - before.length, 'the rest', WAIT_MS);
    await barrier(resumed);
    const after = messagesOf(resumed, 'again');
    expect([...before, ...after].map((m) => m.text)).toEqual(range(0, 1000));
    const offsets = offsetsOf([...before, ...after]);
    expect(offsets.every((offset, i) => i === 0 || offset > offsets[i - 1]!)).toBe(true);
  }, 60_000);

  it('resumes by offset though other destinations of the same stream leave gaps between a destination’s offsets', async () => {
    const mine = `/topic/log/${unique('mine')}`;
    const other = `/topic/log/${unique('other')}`;
    const writer = await connect();
    for (let i = 0; i < 6; i++) {
      await publish(writer, mine, [`m${i}`]);
      await publish(writer, other, [`o${i}`]);
    }
    const reader = await connect();
    await subscribe(reader, 'all', mine, 'first');
    await reader.until(() => messagesOf(reader, 'all').length >= 6, 'six messages');
    const offsets = offsetsOf(messagesOf(reader, 'all'));
    expect(offsets.slice(1).every((offset, i) => offset > offsets[i]! + 1)).toBe(true);
    await subscribe(reader, 'rest', mine, `offset=${offsets[2]! + 1}`);
    await reader.until(() => messagesOf(reader, 'rest').length >= 3, 'three messages');
    await barrier(reader);
    expect(messagesOf(reader, 'rest').map((m) => m.text)).toEqual(['m3', 'm4', 'm5']);
  });

  it('replays everything kept with first (at most maxMessages per destination), the last message with last, and only new ones with next', async () => {
    const topic = `/topic/short/${unique('kept')}`;
    const writer = await connect();
    await publish(writer, topic, range(0, 8));
    const reader = await connect();
    await subscribe(reader, 'first', topic, 'first');
    await subscribe(reader, 'last', topic, 'last');
    await subscribe(reader, 'next', topic, 'next');
    await subscribe(reader, 'default', topic);
    await reader.until(() => messagesOf(reader, 'first').length >= 5 && messagesOf(reader, 'last').length >= 1, 'the replays');
    await publish(writer, topic, ['new']);
    await reader.until(() => ['first', 'last', 'next', 'default'].every((id) => messagesOf(reader, id).some((m) => m.text === 'new')), 'the new message');
    await barrier(reader);
    expect(messagesOf(reader, 'first').map((m) => m.text)).toEqual([...range(3, 8), 'new']);
    expect(messagesOf(reader, 'last').map((m) => m.text)).toEqual(['m7', 'new']);
    expect(messagesOf(reader, 'next').map((m) => m.text)).toEqual(['new']);
    expect(messagesOf(reader, 'default').map((m) => m.text)).toEqual(['new']);
    const [m7, fresh] = messagesOf(reader, 'last');
    expect(Number(fresh!.headers['x-stream-offset'])).toBeGreaterThan(Number(m7!.headers['x-stream-offset']));
    expect(messagesOf(reader, 'first')[4]!.headers['x-stream-offset']).toBe(m7!.headers['x-stream-offset']);
  });

  it('replays a pattern subscription: first everything its destinations kept, last the last message of each', async () => {
    const room = unique('rooms');
    const writer = await connect();
    await publish(writer, `/topic/log/${room}/a`, ['a0', 'a1']);
    await publish(writer, `/topic/log/${room}/b`, ['b0', 'b1']);
    await publish(writer, `/topic/log/${unique('elsewhere')}/a`, ['x']);
    const reader = await connect();
    await subscribe(reader, 'all', `/topic/log/${room}/*`, 'first');
    await subscribe(reader, 'last', `/topic/log/${room}/*`, 'last');
    await reader.until(() => messagesOf(reader, 'all').length >= 4 && messagesOf(reader, 'last').length >= 2, 'the replays');
    await barrier(reader);
    expect(messagesOf(reader, 'all').map((m) => m.text)).toEqual(['a0', 'a1', 'b0', 'b1']);
    expect(messagesOf(reader, 'last').map((m) => m.text)).toEqual(['a1', 'b1']);
  });

  it('replays from a time with timestamp=<seconds>: what was stored at or after it', async () => {
    const topic = `/topic/log/${unique('time')}`;
    const writer = await connect();
    await publish(writer, topic, range(0, 3));
    // The clock of this machine is NATS's: a time after the first batch was stored, before the second.
    const cut = Date.now() + 2;
    await eventually(() => Date.now() > cut, 'the clock to pass the cut');
    await publish(writer, topic, range(3, 6));
    const reader = await connect();
    await subscribe(reader, 'since', topic, `timestamp=${(cut / 1000).toFixed(3)}`);
    await reader.until(() => messagesOf(reader, 'since').length >= 3, 'three messages');
    await barrier(reader);
    expect(messagesOf(reader, 'since').map((m) => m.text)).toEqual(range(3, 6));
  });

  it('answers a bad x-stream-offset with an ERROR naming it', async () => {
    const reader = await connect();
    reader.send('SUBSCRIBE', { id: 'bad', destination: `/topic/log/${unique('bad')}`, 'x-stream-offset': 'offset=-1' });
    const error = await reader.nextFrame('ERROR');
    expect(error.headers.message).toContain("x-stream-offset header 'offset=-1'");
    expect(error.headers.message).toContain('offset=<n>');
    await reader.waitClosed();
  });

  it('replays nothing for a destination no rule keeps, and its messages carry no x-stream-offset, not even one the publisher wrote', async () => {
    const topic = `/topic/${unique('plain')}`;
    const writer = await connect();
    await publish(writer, topic, ['before']);
    const reader = await connect();
    await subscribe(reader, 'p', topic, 'first');
    writer.send('SEND', { destination: topic, 'content-type': 'text/plain', 'x-stream-offset': '42', redelivered: 'true', receipt: 'forged' }, 'after');
    await writer.until(() => writer.frames.some((f) => f.headers['receipt-id'] === 'forged'), 'the RECEIPT');
    await reader.until(() => messagesOf(reader, 'p').length >= 1, 'the new message');
    await barrier(reader);
    expect(messagesOf(reader, 'p').map((m) => [m.text, m.headers['x-stream-offset'], m.headers.redelivered])).toEqual([['after', undefined, undefined]]);
  });
});
