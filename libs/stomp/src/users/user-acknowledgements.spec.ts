import type { SessionOutlet } from '../interfaces/stomp-session.interface.js';
import type { StompVersion } from '../protocol/stomp-version.js';
import { UserAcknowledgements } from './user-acknowledgements.js';

/** The acknowledgements only read a session's version, and key on its identity. */
function session(version: StompVersion = '1.2'): SessionOutlet {
  return { version } as SessionOutlet;
}

describe('UserAcknowledgements', () => {
  it('gives ack ids only to client-acknowledged user subscriptions, each delivery its own', () => {
    const acks = new UserAcknowledgements(10);
    const alice = session();
    acks.subscribed(alice, 'auto', {});
    acks.subscribed(alice, 'mine', { ack: 'client-individual' });
    expect(acks.ackIdFor(alice, 'auto')).toBeUndefined();
    const [first, second] = [acks.ackIdFor(alice, 'mine'), acks.ackIdFor(alice, 'mine')];
    expect(first).toEqual(expect.any(String));
    expect(second).not.toBe(first);
  });

  it('settles client-individual ids one at a time, once each; ids not its own are the broker\'s', () => {
    const acks = new UserAcknowledgements(10);
    const alice = session('1.1');
    acks.subscribed(alice, 'mine', { ack: 'client-individual' });
    const [first, second] = [acks.ackIdFor(alice, 'mine')!, acks.ackIdFor(alice, 'mine')!];
    expect(acks.acknowledge(alice, 'ACK', { 'message-id': second })).toBe(true);
    expect(acks.acknowledge(alice, 'NACK', { 'message-id': first })).toBe(true);
    expect(() => acks.acknowledge(alice, 'ACK', { 'message-id': first })).toThrow(expect.objectContaining({ code: 'STOMP_ERR_UNKNOWN_ACK' }));
    expect(acks.acknowledge(alice, 'ACK', { 'message-id': 'a-broker-id' })).toBe(false);
  });

  it('settles a client subscription cumulatively, and leaves other subscriptions alone', () => {
    const acks = new UserAcknowledgements(10);
    const alice = session();
    acks.subscribed(alice, 'cumulative', { ack: 'client' });
    acks.subscribed(alice, 'other', { ack: 'client' });
    const ids = [acks.ackIdFor(alice, 'cumulative')!, acks.ackIdFor(alice, 'other')!, acks.ackIdFor(alice, 'cumulative')!];
    acks.acknowledge(alice, 'ACK', { id: ids[2]! });
    expect(() => acks.acknowledge(alice, 'ACK', { id: ids[0]! })).toThrow(/names no message awaiting acknowledgement/);
    expect(acks.acknowledge(alice, 'ACK', { id: ids[1]! })).toBe(true);
  });

  it('remembers at most `limit` ids per session (older ones count as acknowledged), and forgets a subscription or session that ends', () => {
    const acks = new UserAcknowledgements(2);
    const alice = session();
    acks.subscribed(alice, 'mine', { ack: 'client-individual' });
    const ids = [acks.ackIdFor(alice, 'mine')!, acks.ackIdFor(alice, 'mine')!, acks.ackIdFor(alice, 'mine')!];
    // The oldest was forgotten past the limit: counted as acknowledged, a late ACK of it is accepted.
    expect(acks.acknowledge(alice, 'ACK', { id: ids[0]! })).toBe(true);
    expect(acks.acknowledge(alice, 'ACK', { id: ids[1]! })).toBe(true);
    expect(() => acks.acknowledge(alice, 'ACK', { id: `${ids[0]!.slice(0, -1)}zz` })).toThrow(/names no message/);
    acks.unsubscribed(alice, 'mine');
    expect(() => acks.acknowledge(alice, 'ACK', { id: ids[2]! })).toThrow(/names no message/);
    expect(acks.ackIdFor(alice, 'mine')).toBeUndefined();
    acks.subscribed(alice, 'again', { ack: 'client' });
    const id = acks.ackIdFor(alice, 'again')!;
    acks.disconnected(alice);
    expect(() => acks.acknowledge(alice, 'ACK', { id })).toThrow(/names no message/);
  });
});
