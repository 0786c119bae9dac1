import { MessageIds } from '../../util/message-ids.js';
import type { BrokerSubscriber } from '../message-broker.js';
import { JetStreamSubscription, type AckMode, type Settlement } from './jetstream-subscription.js';

/** A subscriber that records the ack ids of what it was delivered. */
function subscriber(): BrokerSubscriber & { acks: (string | undefined)[] } {
  const acks: (string | undefined)[] = [];
  return {
    id: 's',
    version: '1.2',
    isClosed: false,
    acks,
    deliverMessage: (_template, _subscription, _messageId, ack) => void acks.push(ack),
    deliverFrame: () => undefined,
    deliver: () => undefined,
    brokerLost: () => undefined,
  };
}

/** A settlement that records what was done to message `name`. */
function recording(log: string[], name: string): Settlement {
  return { ack: () => log.push(`ack ${name}`), nak: () => log.push(`nak ${name}`), giveBack: () => log.push(`give back ${name}`) };
}

const message = { destination: '/queue/q', headers: {}, body: Buffer.from('x') };

function subscription(ackMode: AckMode, rememberAtMost?: number) {
  const known = new Map<string, JetStreamSubscription>();
  const to = subscriber();
  const created = new JetStreamSubscription(to, 'sub', '/queue/q', ackMode, undefined, new MessageIds(), { add: (id, s) => known.set(id, s), delete: (id) => known.delete(id), forget: (id) => known.delete(id) }, rememberAtMost);
  return { created, to, known };
}

describe('JetStreamSubscription', () => {
  it('acknowledges at once in auto mode, writing no ack header', () => {
    const log: string[] = [];
    const { created, to, known } = subscription('auto');
    created.deliver(message, {}, recording(log, 'a'));
    expect(log).toEqual(['ack a']);
    expect(to.acks).toEqual([undefined]);
    expect(known.size).toBe(0);
  });

  it('settles a message and every earlier one in client mode, that message alone in client-individual mode', () => {
    for (const [mode, expected] of [
      ['client', ['ack a', 'ack b']],
      ['client-individual', ['ack b']],
    ] as const) {
      const log: string[] = [];
      const { created, to } = subscription(mode);
      for (const name of ['a', 'b', 'c']) created.deliver(message, {}, recording(log, name));
      expect(created.settle(to.acks[1]!, 'ACK')).toHaveLength(expected.length);
      expect(log).toEqual(expected);
      expect(created.settle(to.acks[1]!, 'NACK')).toEqual([]);
    }
  });

  it('gives back what is unacknowledged when it ends, and what arrives after', () => {
    const log: string[] = [];
    const { created, to } = subscription('client-individual');
    created.deliver(message, {}, recording(log, 'a'));
    created.deliver(message, {}, recording(log, 'b'));
    created.settle(to.acks[0]!, 'NACK');
    expect(created.end()).toEqual([to.acks[1]]);
    created.deliver(message, {}, recording(log, 'late'));
    expect(log).toEqual(['nak a', 'give back b', 'give back late']);
    expect(to.acks).toHaveLength(2);
  });

  it('remembers at most rememberAtMost unacknowledged ids, forgetting the oldest', () => {
    const { created, to, known } = subscription('client', 2);
    for (const name of ['a', 'b', 'c']) created.deliver(message, {}, recording([], name));
    expect([...known.keys()]).toEqual(to.acks.slice(1));
    expect([...created.pending.keys()]).toEqual(to.acks.slice(1));
  });
});
