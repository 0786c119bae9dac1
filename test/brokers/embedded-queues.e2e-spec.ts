import { jest } from '@jest/globals';
import { Module } from '@nestjs/common';
import { SimpleBroker, SimpMessagingTemplate, STOMP_BROKER, StompModule } from 'nest-stomp';
import { useApp } from '../support/apps.js';
import { RawStompClient } from '../support/raw-stomp-client.js';
import { closeAll, expectRefusal, messagesOf, publish, subscribe, waitMessages } from '../support/raw-frames.js';
import { unique } from '../support/unique.js';

/**
 * The embedded broker's own side of issue 12: what a queue without a ready consumer costs (bounded,
 * whatever is sent), the overflow policies, Spring's copy-to-everyone by option, and the ERRORs of
 * SUBSCRIBEs it refuses. test/brokers/queues-and-acks runs the scenarios it shares with RabbitMQ.
 */

jest.setTimeout(30_000);

const TEXT = { 'content-type': 'text/plain' };

@Module({ imports: [StompModule.forRoot({ endpoint: '/ws', maxQueuedMessages: 5, maxQueuedBytes: 1024 * 1024 })] })
class SmallQueuesModule {}

@Module({ imports: [StompModule.forRoot({ endpoint: '/ws', maxQueuedMessages: 2, queueOverflow: 'reject-publish' })] })
class RejectingQueuesModule {}

@Module({ imports: [StompModule.forRoot({ endpoint: '/ws', queuePrefixes: [] })] })
class SpringQueuesModule {}

function brokerOf(app: { app: { get<T>(token: unknown): T } }): SimpleBroker {
  return app.app.get<SimpleBroker>(STOMP_BROKER);
}

describe('embedded broker: bounded queues (drop-head)', () => {
  const server = useApp(SmallQueuesModule);
  const clients: RawStompClient[] = [];
  const connect = async () => {
    const client = await RawStompClient.connect(`${server.wsUrl}/ws`);
    clients.push(client);
    return client;
  };

  afterEach(async () => {
    await closeAll(...clients.splice(0));
  });

  it('keeps the newest maxQueuedMessages of a queue nobody consumes; the first consumer gets them', async () => {
    const queue = `/queue/${unique('nobody')}`;
    const publisher = await connect();
    for (let i = 0; i < 19; i++) publisher.send('SEND', { destination: queue, ...TEXT }, `m${i}`);
    await publish(publisher, queue, 'm19');
    expect(brokerOf(server).waitingAt(queue)).toBe(5);

    const consumer = await connect();
    await subscribe(consumer, queue);
    await publish(publisher, queue, 'after');
    expect((await waitMessages(consumer, 6)).map((m) => m.text)).toEqual(['m15', 'm16', 'm17', 'm18', 'm19', 'after']);
  });

  it('holds at most maxQueuedBytes for all queues together, however much is sent', async () => {
    const publisher = await connect();
    const body = 'x'.repeat(60 * 1024);
    // 200 × 60 KiB to 50 queues: 12 MiB sent, 1 MiB kept at most.
    for (let i = 0; i < 199; i++) publisher.send('SEND', { destination: `/queue/bytes-${i % 50}`, ...TEXT }, body);
    await publish(publisher, '/queue/bytes-0', body);
    const { heldBytes } = brokerOf(server).queueStats;
    expect(heldBytes).toBeLessThanOrEqual(1024 * 1024);
    expect(heldBytes).toBeGreaterThan(512 * 1024);
  });

  it("bounds a client-acknowledged topic subscriber that never acknowledges: its backlog drops its oldest, the topic's other subscribers get everything", async () => {
    const topic = `/topic/${unique('ticks')}`;
    const slow = await connect();
    await subscribe(slow, topic, 'slow', { ack: 'client', 'prefetch-count': '1' });
    const fast = await connect();
    await subscribe(fast, topic, 'fast');
    const publisher = await connect();
    for (let i = 0; i < 49; i++) publisher.send('SEND', { destination: topic, ...TEXT }, `t${i}`);
    await publish(publisher, topic, 't49');
    expect(await waitMessages(fast, 50)).toHaveLength(50);
    const [first] = messagesOf(slow);
    expect(first!.text).toBe('t0');
    // The backlog holds the 5 newest (maxQueuedMessages): acknowledging lets them through, in order.
    slow.send('ACK', { id: first!.headers.ack! });
    await waitMessages(slow, 2);
    for (let n = 2; n <= 6; n++) {
      slow.send('ACK', { id: messagesOf(slow)[n - 1]!.headers.ack! });
      if (n < 6) await waitMessages(slow, n + 1);
    }
    await publish(slow, `/topic/${unique('barrier')}`, '');
    expect(messagesOf(slow).map((m) => m.text)).toEqual(['t0', 't45', 't46', 't47', 't48', 't49']);
  });
});

describe('embedded broker: queueOverflow reject-publish', () => {
  const server = useApp(RejectingQueuesModule);

  it('refuses the SEND past maxQueuedMessages with an ERROR (STOMP_ERR_QUEUE_FULL), and a template send rejects', async () => {
    const queue = `/queue/${unique('full')}`;
    const publisher = await RawStompClient.connect(`${server.wsUrl}/ws`);
    await publish(publisher, queue, 'one');
    await publish(publisher, queue, 'two');
    await expect(server.app.get(SimpMessagingTemplate).convertAndSend(queue, 'three')).rejects.toThrow(
      `Message to '${queue}' refused: the queue holds its limit of 2 messages waiting for a ready consumer (option maxQueuedMessages), and option queueOverflow is 'reject-publish'`,
    );
    publisher.send('SEND', { destination: queue, ...TEXT, receipt: 'r3' }, 'three');
    await expectRefusal(publisher, {
      message: `Message to '${queue}' refused: the queue holds its limit of 2 messages waiting for a ready consumer (option maxQueuedMessages), and option queueOverflow is 'reject-publish'`,
      receiptId: 'r3',
    });

    const consumer = await RawStompClient.connect(`${server.wsUrl}/ws`);
    try {
      await subscribe(consumer, queue);
      expect((await waitMessages(consumer, 2)).map((m) => m.text)).toEqual(['one', 'two']);
    } finally {
      await closeAll(consumer);
    }
  });
});

describe('embedded broker: queuePrefixes [] (Spring simple broker)', () => {
  const server = useApp(SpringQueuesModule);

  it('gives every subscriber of a /queue destination a copy', async () => {
    const [a, b] = [await RawStompClient.connect(`${server.wsUrl}/ws`), await RawStompClient.connect(`${server.wsUrl}/ws`)];
    try {
      await subscribe(a, '/queue/all');
      await subscribe(b, '/queue/all');
      await publish(a, '/queue/all', 'for both');
      expect((await waitMessages(a, 1))[0]!.text).toBe('for both');
      expect((await waitMessages(b, 1))[0]!.text).toBe('for both');
    } finally {
      await closeAll(a, b);
    }
  });
});

describe('embedded broker: SUBSCRIBEs it refuses', () => {
  const server = useApp(SmallQueuesModule);

  it.each([
    ['a pattern under a queue prefix', { destination: '/queue/**' }, "Subscription pattern '/queue/**' is refused: destinations under /queue/ are point-to-point queues (option queuePrefixes), consumed by name, as on RabbitMQ; subscribe to each queue, or use a topic"],
    ['a prefetch-count that is not a number', { destination: '/queue/x', ack: 'client', 'prefetch-count': 'lots' }, "Invalid prefetch-count 'lots': expected a whole number from 1 to 1000 (option maxPrefetchCount)"],
    ['a prefetch-count of 0 (RabbitMQ: no limit)', { destination: '/queue/x', ack: 'client', 'prefetch-count': '0' }, "Invalid prefetch-count '0': expected a whole number from 1 to 1000 (option maxPrefetchCount)"],
  ])('%s', async (_what, headers, message) => {
    const client = await RawStompClient.connect(`${server.wsUrl}/ws`);
    client.send('SUBSCRIBE', { id: 's', receipt: 'r', ...headers });
    await expectRefusal(client, { message, receiptId: 'r' });
  });
});
