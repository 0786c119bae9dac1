import { StompEvents } from '../events/stomp-events.js';
import { StompCounters } from '../interfaces/stomp-counters.js';
import { StompSessionRegistry } from '../session/stomp-session.registry.js';
import type { StatsSettings } from './metrics-settings.js';
import { StompStats } from './stomp-stats.js';

function statsWith(broker: StatsSettings['broker'] = { kind: 'redis' } as StatsSettings['broker']): { stats: StompStats; events: StompEvents; counters: StompCounters } {
  const events = new StompEvents();
  const counters = new StompCounters();
  const settings: StatsSettings = { metrics: { enabled: false, registry: undefined, prefix: '' }, statsLogInterval: 0, broker, maxConnections: 100 };
  return { stats: new StompStats(counters, new StompSessionRegistry(), settings, events), events, counters };
}

describe('StompStats', () => {
  it('counts a reconnect each time the broker comes back, not when it first arrives', () => {
    const { stats, events } = statsWith();
    const availability = (available: boolean) => events.emit({ type: 'broker-availability', available });
    availability(false);
    availability(true);
    expect([stats.brokerAvailable, stats.brokerReconnects]).toEqual([true, 0]);
    availability(false);
    expect(stats.brokerAvailable).toBe(false);
    availability(true);
    availability(false);
    availability(true);
    expect([stats.brokerAvailable, stats.brokerReconnects]).toEqual([true, 2]);
    stats.onApplicationShutdown();
  });

  it('gives cumulative handler buckets, MESSAGE among the frames sent, and the broker kind', () => {
    const { stats, counters } = statsWith({ publish() {}, subscribe() {}, unsubscribe() {}, unsubscribeAll() {} });
    counters.handlerCalled('/a', 0.001);
    counters.handlerCalled('/a', 0.02);
    counters.frameSent('RECEIPT');
    counters.messagesDelivered = 7;
    counters.connectionRefused('maxConnectionsPerAddress');
    counters.connectionRefused('origin');
    const snapshot = stats.snapshot();
    expect(snapshot.connectionsRefused).toEqual({ maxConnectionsPerAddress: 1, origin: 1 });
    expect(snapshot.handlers['/a']!.buckets.slice(0, 4)).toEqual([1, 1, 2, 2]);
    expect(snapshot.handlers['/a']!.count).toBe(2);
    expect(snapshot.framesSent).toEqual({ RECEIPT: 1, MESSAGE: 7 });
    expect(snapshot.broker).toEqual({ kind: 'custom', available: false, reconnects: 0 });
    expect(snapshot.sessions).toEqual({ open: 0, connected: 0, websocket: 0, sockjs: 0, maxConnections: 100 });
    expect(stats.summary(snapshot)).toBe(
      'sessions 0 open (0 connected; websocket 0, sockjs 0; limit 100); frames in none; frames out RECEIPT(1) MESSAGE(7); messages published 0, delivered 7; closes none; errors none; refused maxConnectionsPerAddress(1) origin(1); broker custom unavailable, 0 reconnects',
    );
    stats.onApplicationShutdown();
  });
});
