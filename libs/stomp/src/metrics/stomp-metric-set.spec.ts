import { Registry } from 'prom-client';
import { StompCounters } from '../interfaces/stomp-counters.js';
import { stompMetrics } from './stomp-metric-set.js';
import type { StompStats } from './stomp-stats.js';

/** The parts of StompStats the metrics read, as numbers a test sets. */
function statsOf(values: { websocket: number; sockjs: number; available: boolean; reconnects: number }): StompStats {
  return {
    sessionCounts: () => ({ open: values.websocket + values.sockjs, connected: 0, websocket: values.websocket, sockjs: values.sockjs, maxConnections: 10 }),
    bytes: () => ({ received: 100, sent: 2000 }),
    brokerAvailable: values.available,
    brokerReconnects: values.reconnects,
    brokerKind: 'redis',
  } as unknown as StompStats;
}

describe('STOMP metrics on a prom-client registry', () => {
  it('writes the counters as Prometheus text when scraped, each with its type and labels', async () => {
    const counters = new StompCounters();
    const registry = new Registry();
    for (const metric of stompMetrics('', counters, statsOf({ websocket: 3, sockjs: 1, available: true, reconnects: 2 }))) registry.registerMetric(metric as never);

    counters.frameReceived('SEND');
    counters.frameSent('CONNECTED');
    counters.messagesDelivered += 5;
    counters.messagesPublished += 2;
    counters.errorSent('STOMP_ERR_LIMIT');
    counters.sessionClosed('slow-consumer', 0, 0);
    counters.connectionRefused('maxConnections');
    counters.connectionRefused('maxConnections');
    counters.handlerCalled('/chat.send', 0.02);
    counters.handlerCalled('/chat.send', 3);

    const page = await registry.metrics();
    expect(page).toContain('# TYPE stomp_sessions gauge\nstomp_sessions{transport="websocket"} 3\nstomp_sessions{transport="sockjs"} 1');
    expect(page).toContain('stomp_frames_received_total{command="SEND"} 1');
    expect(page).toContain('stomp_frames_sent_total{command="CONNECTED"} 1\nstomp_frames_sent_total{command="MESSAGE"} 5');
    expect(page).toContain('# TYPE stomp_messages_delivered_total counter\nstomp_messages_delivered_total{broker="redis"} 5');
    expect(page).toContain('stomp_messages_published_total{broker="redis"} 2');
    expect(page).toContain('stomp_errors_total{code="STOMP_ERR_LIMIT"} 1');
    expect(page).toContain('stomp_session_closes_total{reason="slow-consumer"} 1');
    expect(page).toContain('# TYPE stomp_connections_refused_total counter\nstomp_connections_refused_total{reason="maxConnections"} 2');
    expect(page).toContain('stomp_broker_available{broker="redis"} 1');
    expect(page).toContain('stomp_broker_reconnects_total{broker="redis"} 2');
    expect(page).toContain('stomp_bytes_sent_total 2000');
    // Cumulative buckets, as Prometheus reads a histogram.
    expect(page).toContain('stomp_handler_duration_seconds_bucket{le="0.01",mapping="/chat.send"} 0');
    expect(page).toContain('stomp_handler_duration_seconds_bucket{le="0.025",mapping="/chat.send"} 1');
    expect(page).toContain('stomp_handler_duration_seconds_bucket{le="2.5",mapping="/chat.send"} 1');
    expect(page).toContain('stomp_handler_duration_seconds_bucket{le="5",mapping="/chat.send"} 2');
    expect(page).toContain('stomp_handler_duration_seconds_bucket{le="+Inf",mapping="/chat.send"} 2');
    expect(page).toContain('stomp_handler_duration_seconds_sum{mapping="/chat.send"} 3.02');
    expect(page).toContain('stomp_handler_duration_seconds_count{mapping="/chat.send"} 2');

    // Read when scraped: later counts show on the next scrape.
    counters.messagesDelivered += 1;
    expect(await registry.metrics()).toContain('stomp_messages_delivered_total{broker="redis"} 6');
  });

  it('puts the prefix before every name, and reads as JSON too', async () => {
    const registry = new Registry();
    for (const metric of stompMetrics('chat_', new StompCounters(), statsOf({ websocket: 0, sockjs: 0, available: false, reconnects: 0 }))) {
      registry.registerMetric(metric as never);
    }
    const json = await registry.getMetricsAsJSON();
    expect(json.map((metric) => metric.name).every((name) => name.startsWith('chat_stomp_'))).toBe(true);
    expect(json.find((metric) => metric.name === 'chat_stomp_broker_available')!.values).toEqual([{ value: 0, labels: { broker: 'redis' } }]);
  });
});
