import { Module } from '@nestjs/common';
import { SimpleBroker, StompModule, type BrokerMessage, type BrokerSubscriber } from 'nest-stomp';
import { useApp } from '../support/apps.js';
import { RawStompClient } from '../support/raw-stomp-client.js';
import { closeAll, expectRefusal, receiptFor, subscribe, waitMessages } from '../support/raw-frames.js';
import { unique } from '../support/unique.js';

interface HeldPublish {
  readonly body: string;
  release(): void;
  refuse(error: Error): void;
}

/**
 * An application's own broker (the `broker` option takes any MessageBroker) that delivers at once
 * but confirms a publish to `/topic/held/**` only when the test says so, as a remote broker's
 * RECEIPT would come later. Every event is logged in order, server-side.
 */
class ConfirmLaterBroker extends SimpleBroker {
  readonly held: HeldPublish[] = [];
  readonly log: string[] = [];
  private readonly heldWaiters: Array<() => void> = [];

  constructor() {
    super('/');
  }

  override publish(message: BrokerMessage, from?: BrokerSubscriber): void | Promise<void> {
    super.publish(message);
    if (!from || !message.destination.startsWith('/topic/held/')) return;
    const body = message.body.toString('utf8');
    this.log.push(`publish ${body}`);
    return new Promise<void>((resolve, reject) => {
      this.held.push({
        body,
        release: () => {
          this.log.push(`confirm ${body}`);
          resolve();
        },
        refuse: (error) => {
          this.log.push(`refuse ${body}`);
          reject(error);
        },
      });
      for (const wake of this.heldWaiters.splice(0)) wake();
    });
  }

  /** Resolves once `count` publishes are waiting for their confirmation. */
  async waitHeld(count: number): Promise<HeldPublish[]> {
    while (this.held.length < count) await new Promise<void>((resolve) => this.heldWaiters.push(resolve));
    return this.held;
  }
}

/** The broker, with every RECEIPT logged beside its events, and SENDs to /topic/dropped dropped by an interceptor. */
function pipelineModule(broker: ConfirmLaterBroker, maxFrameSize?: number): new () => object {
  @Module({
    imports: [
      StompModule.forRoot({
        endpoint: '/ws',
        broker,
        maxFrameSize,
        interceptors: [
          {
            inbound: (frame) => (frame.headers.destination === '/topic/dropped' ? null : frame),
            outbound: (frame) => {
              if (frame.command === 'RECEIPT') broker.log.push(`RECEIPT ${frame.headers['receipt-id']}`);
              return frame;
            },
          },
        ],
      }),
    ],
  })
  class PipelineModule {}
  return PipelineModule;
}

const broker = new ConfirmLaterBroker();
const PipelineModule = pipelineModule(broker);

describe('SENDs without a receipt are pipelined to the broker', () => {
  const server = useApp(PipelineModule);
  const url = () => `${server.wsUrl}/ws`;

  afterEach(() => {
    broker.held.length = 0;
    broker.log.length = 0;
  });

  it('goes on with the next SENDs while the broker has yet to confirm, and answers a later receipt only once all are confirmed', async () => {
    const watcher = await RawStompClient.connect(url());
    const sender = await RawStompClient.connect(url());
    const other = await RawStompClient.connect(url());
    try {
      const topic = `/topic/held/${unique('t')}`;
      await subscribe(watcher, topic);
      for (const body of ['1', '2', '3']) sender.send('SEND', { destination: topic, 'content-type': 'text/plain' }, body);
      sender.send('SEND', { destination: topic, 'content-type': 'text/plain', receipt: 'all-four' }, '4');

      // All four reach the broker though none is confirmed: nothing waited for a round trip.
      const held = await broker.waitHeld(4);
      expect(held.map((h) => h.body)).toEqual(['1', '2', '3', '4']);
      expect((await waitMessages(watcher, 4, topic)).map((m) => m.text)).toEqual(['1', '2', '3', '4']);

      // The receipted SEND is confirmed first; its RECEIPT still waits for the three before it.
      held[3]!.release();
      // A round trip of another session: the server has had its turn to (wrongly) answer by then.
      await subscribe(other, '/topic/elsewhere');
      expect(sender.frames.filter((f) => f.command === 'RECEIPT')).toEqual([]);
      held[0]!.release();
      held[1]!.release();
      held[2]!.release();
      await receiptFor(sender, 'all-four');
      expect(broker.log.filter((line) => !line.startsWith('RECEIPT subscribed'))).toEqual([
        'publish 1',
        'publish 2',
        'publish 3',
        'publish 4',
        'confirm 4',
        'confirm 1',
        'confirm 2',
        'confirm 3',
        'RECEIPT all-four',
      ]);
    } finally {
      await closeAll(watcher, sender, other);
    }
  });

  it.each([
    ['a SUBSCRIBE', (c: RawStompClient) => c.send('SUBSCRIBE', { id: 's', destination: '/topic/other', receipt: 'later' })],
    ['a frame an interceptor drops', (c: RawStompClient) => c.send('SEND', { destination: '/topic/dropped', receipt: 'later' }, 'x')],
  ])('holds the receipt of %s until the SENDs before it are confirmed', async (_what, sendLater) => {
    const sender = await RawStompClient.connect(url());
    const other = await RawStompClient.connect(url());
    try {
      sender.send('SEND', { destination: `/topic/held/${unique('t')}`, 'content-type': 'text/plain' }, 'first');
      const [held] = await broker.waitHeld(1);
      sendLater(sender);
      await subscribe(other, '/topic/elsewhere');
      expect(sender.frames.filter((f) => f.command === 'RECEIPT')).toEqual([]);
      held!.release();
      await receiptFor(sender, 'later');
      expect(broker.log.filter((line) => !line.startsWith('RECEIPT subscribed'))).toEqual(['publish first', 'confirm first', 'RECEIPT later']);
    } finally {
      await closeAll(sender, other);
    }
  });

  it('applies a COMMIT one confirmed SEND after the other, and answers its receipt after the last', async () => {
    const sender = await RawStompClient.connect(url());
    try {
      const topic = `/topic/held/${unique('t')}`;
      sender.send('BEGIN', { transaction: 'tx' });
      sender.send('SEND', { destination: topic, transaction: 'tx', 'content-type': 'text/plain' }, 'a');
      sender.send('SEND', { destination: topic, transaction: 'tx', 'content-type': 'text/plain' }, 'b');
      sender.send('COMMIT', { transaction: 'tx', receipt: 'committed' });
      (await broker.waitHeld(1))[0]!.release();
      (await broker.waitHeld(2))[1]!.release();
      await receiptFor(sender, 'committed');
      expect(broker.log).toEqual(['publish a', 'confirm a', 'publish b', 'confirm b', 'RECEIPT committed']);
    } finally {
      await closeAll(sender);
    }
  });

  it('holds a DISCONNECT receipt until the SENDs before it are confirmed', async () => {
    const sender = await RawStompClient.connect(url());
    const topic = `/topic/held/${unique('t')}`;
    sender.send('SEND', { destination: topic, 'content-type': 'text/plain' }, 'last words');
    sender.send('DISCONNECT', { receipt: 'bye' });
    const [held] = await broker.waitHeld(1);
    held!.release();
    await receiptFor(sender, 'bye');
    expect((await sender.waitClosed()).code).toBe(1000);
    expect(broker.log).toEqual(['publish last words', 'confirm last words', 'RECEIPT bye']);
  });

  it('ends the session with an ERROR that says why when the broker refuses a pipelined SEND; other sessions go on', async () => {
    const sender = await RawStompClient.connect(url());
    const bystander = await RawStompClient.connect(url());
    try {
      const topic = `/topic/held/${unique('t')}`;
      sender.send('SEND', { destination: topic, 'content-type': 'text/plain' }, 'refused');
      const [held] = await broker.waitHeld(1);
      held!.refuse(new Error('The queue is full'));
      await expectRefusal(sender, { message: 'Failed to process SEND: The queue is full' });

      await subscribe(bystander, '/topic/still-here');
      expect(bystander.closed).toBeUndefined();
    } finally {
      await closeAll(sender, bystander);
    }
  });
});

describe('pipelined SENDs are bounded (maxFrameSize 2048: 16 x 2048 bytes unconfirmed at most)', () => {
  const bounded = new ConfirmLaterBroker();
  const server = useApp(pipelineModule(bounded, 2048));

  it('makes the session wait for the broker once the pending SENDs hold their bound, and loses nothing', async () => {
    const sender = await RawStompClient.connect(`${server.wsUrl}/ws`);
    const other = await RawStompClient.connect(`${server.wsUrl}/ws`);
    try {
      const topic = `/topic/held/${unique('t')}`;
      const body = (i: number) => String(i).padStart(4, '0').repeat(250);
      for (let i = 0; i < 40; i++) sender.send('SEND', { destination: topic, 'content-type': 'text/plain' }, body(i));
      sender.send('SEND', { destination: topic, 'content-type': 'text/plain', receipt: 'all' }, 'last');

      // 1256 bytes each against 32768: 26 go on unconfirmed, the 27th is waited for, the rest wait in the queue.
      await bounded.waitHeld(27);
      await subscribe(other, '/topic/elsewhere');
      expect(bounded.held).toHaveLength(27);

      for (let released = 0; released < 41; released++) (await bounded.waitHeld(released + 1))[released]!.release();
      await receiptFor(sender, 'all');
      expect(bounded.held.map((h) => h.body)).toEqual([...Array.from({ length: 40 }, (_, i) => body(i)), 'last']);
      expect(sender.closed).toBeUndefined();
    } finally {
      await closeAll(sender, other);
    }
  });
});
