import { jest } from '@jest/globals';
import { StompProtocolError } from '../../errors/stomp-protocol.error.js';
import { decodeOne } from '../../protocol/decode-one.testing.js';
import { encodeFrame } from '../../protocol/frame-encoder.js';
import type { MessageFrameTemplate } from '../../protocol/message-frame-template.js';
import type { StompFrame, StompHeaders } from '../../protocol/stomp-frame.js';
import type { StompVersion } from '../../protocol/stomp-version.js';
import { STOMP_DEFAULTS } from '../../stomp.options.js';
import { StompLogger } from '../../util/stomp-logger.js';
import type { BrokerMessage, BrokerSubscriber } from '../message-broker.js';
import { RetentionPolicy } from '../retention/retention-policy.js';
import { MessageHistory } from './message-history.js';
import { QUEUE_DEFAULTS } from './queue-settings.js';
import { SimpleBroker } from './simple-broker.js';

/** A session as the broker sees it, decoding what it is written (so `ack` headers are those on the wire). */
class Consumer implements BrokerSubscriber {
  readonly received: StompFrame[] = [];
  isClosed = false;

  constructor(
    readonly id: string,
    readonly version: StompVersion = '1.2',
  ) {}

  brokerLost(): void {}

  deliver(frame: Buffer): void {
    this.received.push(decodeOne(Buffer.from(frame), this.version));
  }

  deliverMessage(template: MessageFrameTemplate, subscriptionId: string, messageId: string, ack?: string): void {
    this.deliver(template.frameFor(this.version, subscriptionId, messageId, ack));
  }

  deliverFrame(frame: StompFrame): void {
    this.deliver(encodeFrame(frame, this.version));
  }

  bodies(): string[] {
    return this.received.map((f) => f.body.toString());
  }

  /** The ACK/NACK headers naming the `index`th MESSAGE, as this version's client writes them. */
  ackOf(index: number): StompHeaders {
    const frame = this.received[index]!;
    if (this.version === '1.2') return { id: frame.headers.ack! };
    return { 'message-id': frame.headers['message-id']!, subscription: frame.headers.subscription! };
  }
}

function message(destination: string, body: string): BrokerMessage {
  return { destination, headers: { 'content-type': 'text/plain' }, body: Buffer.from(body) };
}

function publishAll(broker: SimpleBroker, destination: string, bodies: readonly string[]): void {
  for (const body of bodies) broker.publish(message(destination, body));
}

const range = (n: number, prefix = 'm') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe('SimpleBroker point-to-point queues and acknowledgements', () => {
  let warn: jest.SpiedFunction<StompLogger['warn']>;

  beforeEach(() => {
    warn = jest.spyOn(StompLogger.prototype, 'warn').mockImplementation(() => undefined);
  });

  afterEach(() => {
    warn.mockRestore();
  });

  it("default to STOMP_DEFAULTS' values when the broker is made without settings", () => {
    expect(QUEUE_DEFAULTS).toEqual({
      queuePrefixes: STOMP_DEFAULTS.queuePrefixes.map((prefix) => `${prefix}/`),
      maxQueuedMessages: STOMP_DEFAULTS.maxQueuedMessages,
      maxQueuedBytes: STOMP_DEFAULTS.maxQueuedBytes,
      queueOverflow: STOMP_DEFAULTS.queueOverflow,
      prefetchCount: STOMP_DEFAULTS.prefetchCount,
      maxPrefetchCount: STOMP_DEFAULTS.maxPrefetchCount,
    });
  });

  describe('a /queue destination', () => {
    it('gives each message to one consumer, round robin, in order per consumer', () => {
      const broker = new SimpleBroker('/');
      const consumers = [new Consumer('a'), new Consumer('b'), new Consumer('c')];
      for (const consumer of consumers) broker.subscribe(consumer, 's', '/queue/jobs');
      publishAll(broker, '/queue/jobs', range(9));
      expect(consumers.map((c) => c.bodies())).toEqual([
        ['m0', 'm3', 'm6'],
        ['m1', 'm4', 'm7'],
        ['m2', 'm5', 'm8'],
      ]);
    });

    it('copies to every subscriber with queuePrefixes: [] (Spring simple broker)', () => {
      const broker = new SimpleBroker('/', { queuePrefixes: [] });
      const [a, b] = [new Consumer('a'), new Consumer('b')];
      broker.subscribe(a, 's', '/queue/jobs');
      broker.subscribe(b, 's', '/queue/jobs');
      publishAll(broker, '/queue/jobs', ['x']);
      expect([a.bodies(), b.bodies()]).toEqual([['x'], ['x']]);
    });

    it('keeps messages for the first consumer, and forgets a queue left empty without consumers', () => {
      const broker = new SimpleBroker('/');
      publishAll(broker, '/queue/later', range(3));
      expect(broker.waitingAt('/queue/later')).toBe(3);
      const late = new Consumer('late');
      broker.subscribe(late, 's', '/queue/later');
      expect(late.bodies()).toEqual(range(3));
      broker.unsubscribe(late, 's');
      expect(broker.queueStats).toEqual({ queues: 0, heldBytes: 0 });
    });

    it('refuses a pattern subscription under a queue prefix, saying why', () => {
      const broker = new SimpleBroker('/');
      expect(() => broker.subscribe(new Consumer('a'), 's', '/queue/**')).toThrow(
        expect.objectContaining({
          code: 'STOMP_ERR_ILLEGAL_HEADER',
          message: "Subscription pattern '/queue/**' is refused: destinations under /queue/ are point-to-point queues (option queuePrefixes), consumed by name, as on RabbitMQ; subscribe to each queue, or use a topic",
        }),
      );
      expect(broker.subscriptionCount).toBe(0);
    });

    it('is a stream when a retention rule keeps it: every subscriber reads it, and may replay it (RabbitMQ stream queues)', () => {
      const rule = { destinations: ['/queue/log'], maxMessages: 10, maxAge: 60_000, maxBytes: 1 << 20 };
      const broker = new SimpleBroker('/', {}, new MessageHistory(new RetentionPolicy([rule], '/'), 1 << 20));
      const [a, b] = [new Consumer('a'), new Consumer('b')];
      broker.subscribe(a, 's', '/queue/log');
      broker.subscribe(b, 's', '/queue/log');
      publishAll(broker, '/queue/log', ['m0', 'm1']);
      expect([a.bodies(), b.bodies()]).toEqual([['m0', 'm1'], ['m0', 'm1']]);
      const late = new Consumer('late');
      broker.subscribe(late, 's', '/queue/log', { 'x-stream-offset': 'first' });
      expect(late.bodies()).toEqual(['m0', 'm1']);
      // A client-acknowledged replay keeps to its prefetch-count, as live messages do.
      const careful = new Consumer('careful');
      broker.subscribe(careful, 's', '/queue/log', { 'x-stream-offset': 'first', ack: 'client-individual', 'prefetch-count': '1' });
      expect(careful.bodies()).toEqual(['m0']);
      broker.acknowledge(careful, 'ACK', careful.ackOf(0));
      expect(careful.bodies()).toEqual(['m0', 'm1']);
      // Other queues stay point-to-point.
      publishAll(broker, '/queue/jobs', ['j']);
      expect(broker.waitingAt('/queue/jobs')).toBe(1);
    });

    it('never gives a queue message to a topic pattern that happens to match it', () => {
      const broker = new SimpleBroker('/');
      const wide = new Consumer('wide');
      broker.subscribe(wide, 's', '/**');
      publishAll(broker, '/queue/jobs', ['q']);
      publishAll(broker, '/topic/t', ['t']);
      expect(wide.bodies()).toEqual(['t']);
    });
  });

  describe('bounded queues', () => {
    it('drop-head: keeps the newest maxQueuedMessages, and logs the first drop, then one summary line', async () => {
      const broker = new SimpleBroker('/', { maxQueuedMessages: 3 });
      publishAll(broker, '/queue/full', range(10));
      const consumer = new Consumer('c');
      broker.subscribe(consumer, 's', '/queue/full');
      expect(consumer.bodies()).toEqual(['m7', 'm8', 'm9']);
      expect(warn.mock.calls.map(([line]) => line)).toEqual([
        "Dropped a message for '/queue/full': the oldest waiting one, as the queue was full (option maxQueuedMessages) (more queued messages dropped are counted and reported every 60 s)",
      ]);
      await broker.close();
      expect(warn.mock.calls.map(([line]) => line).slice(1)).toEqual([
        '6 more queued messages dropped in the last 60 s: 6 × the oldest waiting one, as the queue was full (option maxQueuedMessages)',
      ]);
    });

    it('reject-publish: refuses the message past maxQueuedMessages with STOMP_ERR_QUEUE_FULL', () => {
      const broker = new SimpleBroker('/', { maxQueuedMessages: 2, queueOverflow: 'reject-publish' });
      publishAll(broker, '/queue/full', range(2));
      let thrown: unknown;
      try {
        broker.publish(message('/queue/full', 'one too many'));
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(StompProtocolError);
      expect(thrown).toMatchObject({
        code: 'STOMP_ERR_QUEUE_FULL',
        message: "Message to '/queue/full' refused: the queue holds its limit of 2 messages waiting for a ready consumer (option maxQueuedMessages), and option queueOverflow is 'reject-publish'",
      });
      expect(broker.waitingAt('/queue/full')).toBe(2);
    });

    it('counts unacknowledged messages against maxQueuedBytes: a consumer that never acknowledges cannot hold more', () => {
      const broker = new SimpleBroker('/', { maxQueuedBytes: 3000 });
      const hoarder = new Consumer('hoarder');
      broker.subscribe(hoarder, 's', '/queue/hoard', { ack: 'client-individual', 'prefetch-count': '100' });
      publishAll(broker, '/queue/hoard', range(10).map((body) => body + 'x'.repeat(900)));
      expect(hoarder.received).toHaveLength(2);
      expect(broker.queueStats.heldBytes).toBeLessThanOrEqual(3000);

      const strict = new SimpleBroker('/', { maxQueuedBytes: 3000, queueOverflow: 'reject-publish' });
      strict.subscribe(hoarder, 't', '/queue/hoard', { ack: 'client-individual', 'prefetch-count': '100' });
      publishAll(strict, '/queue/hoard', ['a', 'b'].map((body) => body + 'x'.repeat(900)));
      expect(() => strict.publish(message('/queue/hoard', 'c' + 'x'.repeat(900)))).toThrow(
        expect.objectContaining({ code: 'STOMP_ERR_QUEUE_FULL', message: expect.stringMatching(/queues hold their limit of 3000 bytes \(option maxQueuedBytes; this message needs \d+\)/) }),
      );
    });

    it('holds at most maxQueuedBytes over all queues together', () => {
      const broker = new SimpleBroker('/', { maxQueuedBytes: 4000 });
      const big = 'x'.repeat(900);
      for (let i = 0; i < 50; i++) broker.publish(message(`/queue/q${i % 5}`, big));
      expect(broker.queueStats.heldBytes).toBeLessThanOrEqual(4000);
      expect(broker.queueStats.heldBytes).toBeGreaterThan(2000);
      void broker.close();
    });
  });

  describe.each(['1.2', '1.1', '1.0'] as const)('acknowledgements, STOMP %s', (version) => {
    it('client-individual: each message its own id; a consumer past its prefetch-count waits, and resumes on ACK', () => {
      const broker = new SimpleBroker('/');
      const consumer = new Consumer('c', version);
      broker.subscribe(consumer, 's', '/queue/work', { ack: 'client-individual', 'prefetch-count': '2' });
      publishAll(broker, '/queue/work', range(5));
      expect(consumer.bodies()).toEqual(['m0', 'm1']);
      const ids = consumer.received.map((f) => f.headers['message-id']);
      expect(new Set(ids).size).toBe(2);
      // 1.2 clients acknowledge by `ack`, the same value as the message's own message-id.
      expect(consumer.received.map((f) => f.headers.ack)).toEqual(version === '1.2' ? ids : [undefined, undefined]);

      broker.acknowledge(consumer, 'ACK', consumer.ackOf(1));
      expect(consumer.bodies()).toEqual(['m0', 'm1', 'm2']);
      broker.acknowledge(consumer, 'ACK', consumer.ackOf(0));
      expect(consumer.bodies()).toEqual(['m0', 'm1', 'm2', 'm3']);
    });

    it('client: an ACK acknowledges every earlier message of the subscription too', () => {
      const broker = new SimpleBroker('/');
      const consumer = new Consumer('c', version);
      broker.subscribe(consumer, 's', '/queue/work', { ack: 'client', 'prefetch-count': '3' });
      publishAll(broker, '/queue/work', range(6));
      broker.acknowledge(consumer, 'ACK', consumer.ackOf(2));
      expect(consumer.bodies()).toEqual(range(6));
      expect(() => broker.acknowledge(consumer, 'ACK', consumer.ackOf(0))).toThrow(expect.objectContaining({ code: 'STOMP_ERR_UNKNOWN_ACK' }));
    });

    it('an unknown or repeated id is an ERROR naming it', () => {
      const broker = new SimpleBroker('/');
      const consumer = new Consumer('c', version);
      broker.subscribe(consumer, 's', '/queue/work', { ack: 'client-individual' });
      publishAll(broker, '/queue/work', ['m0']);
      broker.acknowledge(consumer, 'ACK', consumer.ackOf(0));
      const header = version === '1.2' ? 'id' : 'message-id';
      const again = () => broker.acknowledge(consumer, 'NACK', consumer.ackOf(0));
      const id = consumer.ackOf(0)[header];
      expect(again).toThrow(
        expect.objectContaining({
          code: 'STOMP_ERR_UNKNOWN_ACK',
          message: `NACK ${header}:${id} names no message awaiting acknowledgement: this session was not sent it on a client or client-individual subscription, or has already acknowledged it`,
        }),
      );
    });
  });

  describe('redelivery', () => {
    it('a NACKed queue message goes to another ready consumer with redelivered:true and a new message-id', () => {
      const broker = new SimpleBroker('/');
      const [a, b] = [new Consumer('a'), new Consumer('b')];
      broker.subscribe(a, 's', '/queue/work', { ack: 'client-individual' });
      broker.subscribe(b, 's', '/queue/work', { ack: 'client-individual' });
      publishAll(broker, '/queue/work', ['m0', 'm1', 'm2']);
      expect([a.bodies(), b.bodies()]).toEqual([['m0', 'm2'], ['m1']]);
      broker.acknowledge(a, 'NACK', a.ackOf(0));
      expect(b.bodies()).toEqual(['m1', 'm0']);
      expect(b.received[1]!.headers.redelivered).toBe('true');
      expect(b.received[1]!.headers['message-id']).not.toBe(a.received[0]!.headers['message-id']);
      expect(b.received[0]!.headers.redelivered).toBeUndefined();
    });

    it("a consumer that leaves gives back its unacknowledged messages, in order, to the others", () => {
      const broker = new SimpleBroker('/');
      const [a, b] = [new Consumer('a'), new Consumer('b')];
      broker.subscribe(a, 's', '/queue/work', { ack: 'client', 'prefetch-count': '10' });
      broker.subscribe(b, 's', '/queue/work', { ack: 'client', 'prefetch-count': '1' });
      publishAll(broker, '/queue/work', range(6));
      expect(b.bodies()).toEqual(['m1']);
      broker.acknowledge(a, 'ACK', a.ackOf(1));
      a.isClosed = true;
      broker.unsubscribeAll(a);
      // a acknowledged m0 and m2; m3, m4, m5 come back to b, one at a time as it acknowledges.
      for (let i = 0; i < 3; i++) broker.acknowledge(b, 'ACK', b.ackOf(i));
      expect(b.bodies()).toEqual(['m1', 'm3', 'm4', 'm5']);
      expect(b.received.slice(1).map((f) => f.headers.redelivered)).toEqual(['true', 'true', 'true']);
      broker.acknowledge(b, 'ACK', b.ackOf(3));
      expect(broker.queueStats).toEqual({ queues: 1, heldBytes: 0 });
    });

    it('a NACKed topic message is dropped', () => {
      const broker = new SimpleBroker('/');
      const a = new Consumer('a');
      broker.subscribe(a, 's', '/topic/news', { ack: 'client-individual' });
      publishAll(broker, '/topic/news', ['m0']);
      broker.acknowledge(a, 'NACK', a.ackOf(0));
      expect(a.bodies()).toEqual(['m0']);
      expect(broker.queueStats.heldBytes).toBe(0);
    });
  });

  describe('a client-acknowledged topic subscription', () => {
    it('past its prefetch keeps a bounded backlog of its own (oldest dropped); auto subscribers of the topic get everything', () => {
      const broker = new SimpleBroker('/', { maxQueuedMessages: 2 });
      const [slow, fast] = [new Consumer('slow'), new Consumer('fast')];
      broker.subscribe(slow, 's', '/topic/ticks', { ack: 'client', 'prefetch-count': '1' });
      broker.subscribe(fast, 's', '/topic/ticks');
      publishAll(broker, '/topic/ticks', range(6));
      expect(fast.bodies()).toEqual(range(6));
      expect(slow.bodies()).toEqual(['m0']);
      broker.acknowledge(slow, 'ACK', slow.ackOf(0));
      broker.acknowledge(slow, 'ACK', slow.ackOf(1));
      expect(slow.bodies()).toEqual(['m0', 'm4', 'm5']);
      broker.unsubscribe(slow, 's');
      expect(broker.queueStats.heldBytes).toBe(0);
      void broker.close();
    });
  });

  describe('prefetch-count', () => {
    it.each(['0', '-1', 'ten', '1.5', '1001', ''])("refuses '%s', naming the header and the limit", (value) => {
      const broker = new SimpleBroker('/');
      expect(() => broker.subscribe(new Consumer('a'), 's', '/queue/x', { ack: 'client', 'prefetch-count': value })).toThrow(
        expect.objectContaining({
          code: 'STOMP_ERR_ILLEGAL_HEADER',
          message: `Invalid prefetch-count '${value}': expected a whole number from 1 to 1000 (option maxPrefetchCount)`,
        }),
      );
      expect(broker.subscriptionCount).toBe(0);
    });

    it('defaults to the prefetchCount option', () => {
      const broker = new SimpleBroker('/', { prefetchCount: 3 });
      const consumer = new Consumer('c');
      broker.subscribe(consumer, 's', '/queue/x', { ack: 'client-individual' });
      publishAll(broker, '/queue/x', range(5));
      expect(consumer.bodies()).toEqual(range(3));
    });
  });
});
