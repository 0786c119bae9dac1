import { jest } from '@jest/globals';
import { Module } from '@nestjs/common';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { StompModule } from 'nest-stomp';
import { useApp } from '../support/apps.js';
import { rabbitMqStompAvailable } from '../support/rabbitmq.js';
import { closeAll } from '../support/raw-frames.js';
import { RawStompClient } from '../support/raw-stomp-client.js';
import { messagesFor, offsetOf, subscribeFrom, waitFor } from '../support/stream-frames.js';
import { unique } from '../support/unique.js';

const describeWithRabbitMq = (await rabbitMqStompAvailable()) ? describe : describe.skip;

jest.setTimeout(60_000);

/** Clients may create stream queues under `/queue/nest-stomp-stream-...`, and read existing queues by `/amq/queue/...`. */
@Module({
  imports: [
    StompModule.forRoot({
      endpoint: '/ws',
      brokerPrefixes: ['/topic', '/queue', '/amq'],
      broker: { kind: 'relay', clientQueues: [{ destination: '/queue/nest-stomp-stream-*', allow: 'everyone' }] },
    }),
  ],
})
class StreamRelayModule {}

const STREAM = { 'x-queue-type': 'stream', ack: 'client', 'prefetch-count': '100' };

// RabbitMQ 3.9+ stream queues through its STOMP plugin (tested on 3.10): SUBSCRIBE with
// x-queue-type:stream declares one on /queue/..., x-stream-offset says where to read from, and each
// MESSAGE carries its x-stream-offset; streams need ack:client (or client-individual) and a prefetch-count.
describeWithRabbitMq('STOMP broker relay to RabbitMQ: stream queues', () => {
  const app = useApp(StreamRelayModule);
  const queue = unique('nest-stomp-stream');
  const clients: RawStompClient[] = [];
  const connect = async (): Promise<RawStompClient> => {
    const client = await RawStompClient.connect(`${app.wsUrl}/ws`);
    clients.push(client);
    return client;
  };
  const bodies = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `e${from + i}`);

  afterEach(async () => {
    await closeAll(...clients.splice(0).filter((client) => !client.closed));
  });

  afterAll(async () => {
    await promisify(execFile)('rabbitmqctl', ['delete_queue', queue], { timeout: 60_000 }).catch(() => undefined);
  });

  it('declares a stream on /queue/..., delivers with x-stream-offset, and replays from an offset, first, and through /amq/queue', async () => {
    const destination = `/queue/${queue}`;
    const first = await connect();
    const all = await subscribeFrom(first, destination, { ...STREAM, 'x-stream-offset': 'first' });
    // A SEND to a stream on /queue/ must repeat its type: RabbitMQ compares it with the queue's.
    const publisher = await connect();
    await sendAllTyped(publisher, destination, bodies(0, 10));

    const live = await waitFor(first, all, 10);
    expect(live.map((m) => m.text)).toEqual(bodies(0, 10));
    expect(live.map(offsetOf)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    first.send('ACK', { id: live.at(-1)!.headers.ack! });

    const resumed = await connect();
    const fromFive = await subscribeFrom(resumed, destination, { ...STREAM, 'x-stream-offset': 'offset=5' });
    const rest = await waitFor(resumed, fromFive, 5);
    expect(rest.map((m) => [m.text, offsetOf(m)])).toEqual(bodies(5, 10).map((body, i) => [body, 5 + i]));

    // An existing stream is reached without declaring anything: no x-queue-type needed.
    const reader = await connect();
    const fromFirst = await subscribeFrom(reader, `/amq/queue/${queue}`, { ack: 'client', 'prefetch-count': '100', 'x-stream-offset': 'first' });
    expect((await waitFor(reader, fromFirst, 10)).map((m) => m.text)).toEqual(bodies(0, 10));

    // next: only what comes after the SUBSCRIBE.
    const latest = await connect();
    const fromNext = await subscribeFrom(latest, destination, { ...STREAM, 'x-stream-offset': 'next' });
    await sendAllTyped(publisher, destination, ['e10']);
    const [e10] = await waitFor(latest, fromNext, 1);
    expect([e10!.text, offsetOf(e10!)]).toEqual(['e10', 10]);
    expect(messagesFor(latest, fromNext)).toHaveLength(1);
  });

  it('refuses a bad x-stream-offset itself (RabbitMQ would silently read from next)', async () => {
    const client = await connect();
    client.send('SUBSCRIBE', { id: 'bad', destination: `/queue/${queue}`, ...STREAM, 'x-stream-offset': 'offset=first', receipt: 'r' });
    const error = await client.nextFrame('ERROR');
    expect(error.headers.message).toContain("Invalid x-stream-offset header 'offset=first'");
    await client.waitClosed();
  });

  it('still refuses a stream on a /queue/ no clientQueues rule admits', async () => {
    const client = await connect();
    client.send('SUBSCRIBE', { id: 'other', destination: `/queue/${unique('not-admitted')}`, ...STREAM, 'x-stream-offset': 'first', receipt: 'r' });
    const error = await client.nextFrame('ERROR');
    expect(error.headers.message).toContain('(relay option clientQueues)');
    await client.waitClosed();
  });
});

/** `sendAll` with the stream's `x-queue-type` on each SEND. */
async function sendAllTyped(client: RawStompClient, destination: string, bodies: readonly string[]): Promise<void> {
  const receipt = unique('sent');
  bodies.forEach((body, i) =>
    client.send('SEND', { destination, 'content-type': 'text/plain', 'x-queue-type': 'stream', ...(i === bodies.length - 1 ? { receipt } : {}) }, body),
  );
  await client.until(() => client.frames.some((f) => f.command === 'RECEIPT' && f.headers['receipt-id'] === receipt), `RECEIPT ${receipt}`, 30_000);
}
