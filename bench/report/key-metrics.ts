import type { ScenarioId } from '../config.js';

/** A number the table and the chart show for every server of a scenario. */
export interface KeyMetric {
  readonly scenario: ScenarioId;
  /** Name in ScenarioOutcome.metrics. */
  readonly name: string;
  readonly label: string;
  readonly better: 'higher' | 'lower';
  readonly decimals: number;
  /** The Spring figure given in the task (measured elsewhere, on another machine). */
  readonly springReference?: number;
}

export const SPRING_REFERENCE_LABEL = 'Spring simple broker (reference, measured elsewhere)';

export const KEY_METRICS: readonly KeyMetric[] = [
  { scenario: 'a', name: 'deliveriesPerSecond', label: 'deliveries/s', better: 'higher', decimals: 0, springReference: 46_000 },
  { scenario: 'a', name: 'cpuSecondsPer100kDeliveries', label: 'server CPU-s per 100k deliveries', better: 'lower', decimals: 3, springReference: 2.17 },
  { scenario: 'b', name: 'p50Ms', label: 'p50 latency ms', better: 'lower', decimals: 2 },
  { scenario: 'b', name: 'p99Ms', label: 'p99 latency ms', better: 'lower', decimals: 2 },
  { scenario: 'c', name: 'rssKiBPerConnection', label: 'server RSS KiB per idle connection', better: 'lower', decimals: 1, springReference: 127 },
  { scenario: 'c', name: 'connectionsPerSecond', label: 'connection setups/s', better: 'higher', decimals: 0 },
  { scenario: 'd', name: 'p50Ms', label: 'p50 round trip ms', better: 'lower', decimals: 2 },
  { scenario: 'd', name: 'p99Ms', label: 'p99 round trip ms', better: 'lower', decimals: 2 },
  { scenario: 'e', name: 'deliveriesPerSecond', label: 'deliveries/s through RabbitMQ', better: 'higher', decimals: 0 },
  { scenario: 'f', name: 'exactOnlyNsPerPublish', label: 'ns per publish, exact subscribers only', better: 'lower', decimals: 0 },
  { scenario: 'f', name: 'withPatternsNsPerPublish', label: 'ns per publish, plus 100k pattern subscriptions', better: 'lower', decimals: 0 },
  { scenario: 'f', name: 'patternOverheadRatio', label: '× exact only', better: 'lower', decimals: 2 },
  { scenario: 'f', name: 'patternGrowthRatio', label: '× one pattern subscription', better: 'lower', decimals: 2 },
  { scenario: 'g', name: 'deliveriesPerSecond', label: 'deliveries/s through a durable broker', better: 'higher', decimals: 0 },
  { scenario: 'g', name: 'p99Ms', label: 'p99 publish → deliver ms', better: 'lower', decimals: 2 },
  { scenario: 'g', name: 'replayPerSecond', label: 'replay msgs/s from first', better: 'higher', decimals: 0 },
  { scenario: 'h', name: 'deliveriesPerSecond', label: 'deliveries/s', better: 'higher', decimals: 0 },
  { scenario: 'h', name: 'cpuSecondsPer100kDeliveries', label: 'server CPU-s per 100k deliveries', better: 'lower', decimals: 3 },
  { scenario: 'i', name: 'setupsPerSecond', label: 'setups/s (WebSocket + CONNECT + SUBSCRIBE)', better: 'higher', decimals: 0 },
  { scenario: 'i', name: 'connectP99Ms', label: 'p99 CONNECT → CONNECTED ms', better: 'lower', decimals: 2 },
  { scenario: 'i', name: 'setupP99Ms', label: 'p99 whole setup ms', better: 'lower', decimals: 2 },
  { scenario: 'j', name: 'deliveriesPerSecond', label: 'deliveries/s', better: 'higher', decimals: 0 },
  { scenario: 'j', name: 'cpuSecondsPer100kDeliveries', label: 'server CPU-s per 100k deliveries', better: 'lower', decimals: 3 },
];

export function formatNumber(value: number | undefined, decimals: number): string {
  if (value === undefined || Number.isNaN(value)) return '—';
  return value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}
