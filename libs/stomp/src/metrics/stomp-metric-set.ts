import { HANDLER_DURATION_BUCKETS, StompCounters } from '../interfaces/stomp-counters.js';
import { labelled, ScrapedMetric, type MetricValue } from './scraped-metric.js';
import type { StompStats } from './stomp-stats.js';

/** Every STOMP metric (names as in README.md's Metrics section), reading `counters` and `stats` when scraped. */
export function stompMetrics(prefix: string, counters: StompCounters, stats: StompStats): ScrapedMetric[] {
  const name = (base: string): string => `${prefix}${base}`;
  return [
    new ScrapedMetric(name('stomp_sessions'), 'Open STOMP sessions, by transport', 'gauge', () => {
      const { websocket, sockjs } = stats.sessionCounts();
      return [
        { value: websocket, labels: { transport: 'websocket' } },
        { value: sockjs, labels: { transport: 'sockjs' } },
      ];
    }),
    new ScrapedMetric(name('stomp_frames_received_total'), 'Frames received from clients, by command', 'counter', () =>
      labelled(counters.framesReceived, 'command'),
    ),
    new ScrapedMetric(name('stomp_frames_sent_total'), 'Frames sent to clients, by command', 'counter', () =>
      labelled({ ...counters.framesSent, MESSAGE: (counters.framesSent.MESSAGE ?? 0) + counters.messagesDelivered }, 'command'),
    ),
    new ScrapedMetric(name('stomp_messages_published_total'), 'Messages handed to the broker, by broker', 'counter', () => [
      { value: counters.messagesPublished, labels: { broker: stats.brokerKind } },
    ]),
    new ScrapedMetric(name('stomp_messages_delivered_total'), 'MESSAGE frames written to clients, by broker', 'counter', () => [
      { value: counters.messagesDelivered, labels: { broker: stats.brokerKind } },
    ]),
    new ScrapedMetric(name('stomp_handler_duration_seconds'), 'Time in @MessageMapping/@SubscribeMapping handlers, by mapping', 'histogram', () =>
      handlerDurations(name('stomp_handler_duration_seconds'), counters),
    ),
    new ScrapedMetric(name('stomp_session_closes_total'), 'Sessions ended, by reason', 'counter', () => labelled(counters.closes, 'reason')),
    new ScrapedMetric(name('stomp_connections_refused_total'), 'Handshakes refused before a session began, by reason', 'counter', () =>
      labelled(counters.connectionsRefused, 'reason'),
    ),
    new ScrapedMetric(name('stomp_errors_total'), 'ERROR frames sent to clients, by error code', 'counter', () => labelled(counters.errors, 'code')),
    new ScrapedMetric(name('stomp_broker_available'), 'Whether the broker takes messages (1) or not (0)', 'gauge', () => [
      { value: stats.brokerAvailable ? 1 : 0, labels: { broker: stats.brokerKind } },
    ]),
    new ScrapedMetric(name('stomp_broker_reconnects_total'), 'Times the broker came back after it was lost', 'counter', () => [
      { value: stats.brokerReconnects, labels: { broker: stats.brokerKind } },
    ]),
    new ScrapedMetric(name('stomp_bytes_received_total'), 'Bytes received from clients', 'counter', () => [{ value: stats.bytes().received, labels: {} }]),
    new ScrapedMetric(name('stomp_bytes_sent_total'), 'Bytes sent to clients', 'counter', () => [{ value: stats.bytes().sent, labels: {} }]),
  ];
}

/** Cumulative `_bucket` lines, `+Inf`, `_sum` and `_count`, per mapping, as a Prometheus histogram. */
function handlerDurations(name: string, counters: StompCounters): MetricValue[] {
  const values: MetricValue[] = [];
  for (const [mapping, timing] of counters.handlers) {
    let cumulative = 0;
    HANDLER_DURATION_BUCKETS.forEach((le, i) => {
      cumulative += timing.buckets[i]!;
      values.push({ metricName: `${name}_bucket`, value: cumulative, labels: { le, mapping } });
    });
    values.push({ metricName: `${name}_bucket`, value: timing.count, labels: { le: '+Inf', mapping } });
    values.push({ metricName: `${name}_sum`, value: timing.sumSeconds, labels: { mapping } });
    values.push({ metricName: `${name}_count`, value: timing.count, labels: { mapping } });
  }
  return values;
}
