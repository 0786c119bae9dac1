import { Module } from '@nestjs/common';
import { SimpleBroker, StompModule, type BrokerMessage, type BrokerSubscriber } from 'nest-stomp';
import { useApp } from './support/apps.js';
import { RawStompClient } from './support/raw-stomp-client.js';
import { closeAll, expectRefusal, receiptFor, subscribe, unique, waitMessages } from './support/raw-frames.js';

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

const broker = new ConfirmLaterBroker();

@Module({
  imports: [
    StompModule.forRoot({
      endpoint: '/ws',
      broker,
      interceptors: [
        {
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
