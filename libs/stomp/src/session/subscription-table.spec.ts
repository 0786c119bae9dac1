import type { StompHeaders } from '../protocol/stomp-frame.js';
import type { StompVersion } from '../protocol/stomp-version.js';
import { SubscriptionTable } from './subscription-table.js';
import { protocolErrorOf } from '../errors/protocol-error.testing.js';

describe('SubscriptionTable', () => {
  let table: SubscriptionTable;

  beforeEach(() => {
    table = new SubscriptionTable(2);
  });

  function subscribe(headers: StompHeaders, version: StompVersion = '1.2'): void {
    table.add(table.admit(headers, version));
  }

  describe('admit', () => {
    it('gives the id and destination of a SUBSCRIBE, without recording it', () => {
      expect(table.admit({ id: 's1', destination: '/topic/a' }, '1.2')).toEqual({ id: 's1', destination: '/topic/a' });
      expect([...table.destinations]).toEqual([]);
    });

    it.each(['1.1', '1.2'] as const)('requires an id in STOMP %s', (version) => {
      expect(protocolErrorOf(() => table.admit({ destination: '/topic/a' }, version))).toMatchObject({
        code: 'STOMP_ERR_MISSING_HEADER',
        message: "SUBSCRIBE frame must have a 'id' header",
      });
    });

    it('lets the destination name the subscription in STOMP 1.0', () => {
      expect(table.admit({ destination: '/topic/a' }, '1.0')).toEqual({ id: '/topic/a', destination: '/topic/a' });
      expect(table.admit({ id: 'x', destination: '/topic/a' }, '1.0')).toEqual({ id: 'x', destination: '/topic/a' });
    });

    it.each<StompHeaders>([{ id: 's' }, { id: 's', destination: '' }])('requires a destination: %j', (headers) => {
      expect(protocolErrorOf(() => table.admit(headers, '1.2'))).toMatchObject({
        code: 'STOMP_ERR_MISSING_HEADER',
        message: "SUBSCRIBE frame must have a 'destination' header",
      });
    });

    it('refuses an id the session already uses, naming its destination', () => {
      subscribe({ id: 's1', destination: '/topic/a' });
      expect(protocolErrorOf(() => table.admit({ id: 's1', destination: '/topic/b' }, '1.2'))).toMatchObject({
        code: 'STOMP_ERR_DUPLICATE_SUBSCRIPTION',
        message: "Subscription id 's1' is already in use by this session (destination '/topic/a')",
      });
    });

    it('refuses a subscription past the limit, before anything else about it', () => {
      subscribe({ id: 's1', destination: '/topic/a' });
      subscribe({ id: 's2', destination: '/topic/b' });
      expect(protocolErrorOf(() => table.admit({ id: 's1', destination: '/topic/c', ack: 'bogus' }, '1.2'))).toMatchObject({
        code: 'STOMP_ERR_LIMIT',
        message: 'Too many subscriptions: a session may hold at most 2 (option maxSubscriptionsPerSession)',
      });
    });

    it.each(['auto', 'client', 'client-individual'])('takes ack mode %s', (ack) => {
      expect(table.admit({ id: 's', destination: '/topic/a', ack }, '1.2').id).toBe('s');
    });

    it('refuses another ack mode, quoting it shortened', () => {
      const ack = 'x'.repeat(500);
      expect(protocolErrorOf(() => table.admit({ id: 's', destination: '/topic/a', ack }, '1.2'))).toMatchObject({
        code: 'STOMP_ERR_ILLEGAL_HEADER',
        message: `Invalid ack mode '${'x'.repeat(80)}...': expected auto, client or client-individual`,
      });
    });
  });

  describe('unsubscribe', () => {
    it('reads the id, or in STOMP 1.0 the destination for it', () => {
      expect(table.unsubscribeId({ id: 's1' }, '1.2')).toBe('s1');
      expect(table.unsubscribeId({ destination: '/topic/a' }, '1.0')).toBe('/topic/a');
      expect(protocolErrorOf(() => table.unsubscribeId({ destination: '/topic/a' }, '1.2'))).toMatchObject({
        code: 'STOMP_ERR_MISSING_HEADER',
        message: "UNSUBSCRIBE frame must have an 'id' header",
      });
    });

    it('removes a subscription and gives its destination; an unknown id gives nothing', () => {
      subscribe({ id: 's1', destination: '/topic/a' });
      subscribe({ id: 's2', destination: '/topic/b' });
      expect(table.remove('s1')).toBe('/topic/a');
      expect(table.remove('s1')).toBeUndefined();
      expect([...table.destinations]).toEqual([['s2', '/topic/b']]);
      // Room again under the limit, and the id is free again.
      subscribe({ id: 's1', destination: '/topic/c' });
      expect([...table.destinations]).toEqual([
        ['s2', '/topic/b'],
        ['s1', '/topic/c'],
      ]);
    });
  });

  it('forgets everything on clear', () => {
    subscribe({ id: 's1', destination: '/topic/a' });
    table.clear();
    expect(table.destinations.size).toBe(0);
  });
});
