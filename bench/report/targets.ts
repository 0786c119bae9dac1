import type { ScenarioId } from '../config.js';
import type { ServerId } from '../harness/server-kinds.js';
import { isIntact } from '../load/sequence-tracker.js';
import { metricOf, rangeOf, type RunResult } from './run-result.js';

/** A goal of the task for nest-stomp, judged on numbers of the same run. */
export interface Target {
  readonly scenario: ScenarioId;
  /** The server judged: nest-stomp, or nest-stomp's relay in (e). */
  readonly server: ServerId;
  readonly metric: string;
  readonly text: string;
  /** The limit nest-stomp's value must meet, or undefined when its baseline did not run. */
  limit(results: readonly RunResult[]): number | undefined;
  readonly better: 'higher' | 'lower';
  /** What is judged, when not the median of `metric` (the spread of its rounds, say). */
  value?(results: readonly RunResult[]): number | undefined;
}

const times = (baselineServer: ServerId, scenario: ScenarioId, metric: string, factor: number) => (results: readonly RunResult[]) => {
  const baseline = metricOf(results, scenario, baselineServer, metric);
  return baseline === undefined ? undefined : baseline * factor;
};
const timesMinimalWs = (scenario: ScenarioId, metric: string, factor: number) => times('minimal-ws', scenario, metric, factor);

/** Highest round over lowest round of a metric: a tail that changes from round to round is a tail users see. */
const roundSpread = (scenario: ScenarioId, server: ServerId, metric: string) => (results: readonly RunResult[]) => {
  const result = results.find((r) => r.scenario === scenario && r.server === server);
  const range = result && rangeOf(result, metric);
  return range && range[0] > 0 ? range[1] / range[0] : undefined;
};

export const TARGETS: readonly Target[] = [
  {
    scenario: 'a',
    server: 'nest-stomp',
    metric: 'cpuSecondsPer100kDeliveries',
    text: '≤ 1.0 × minimal-ws',
    limit: timesMinimalWs('a', 'cpuSecondsPer100kDeliveries', 1.0),
    better: 'lower',
  },
  { scenario: 'a', server: 'nest-stomp', metric: 'deliveriesPerSecond', text: '≥ 2 × Spring (92,000/s)', limit: () => 2 * 46_000, better: 'higher' },
  { scenario: 'b', server: 'nest-stomp', metric: 'p99Ms', text: '≤ 1.5 × minimal-ws', limit: timesMinimalWs('b', 'p99Ms', 1.5), better: 'lower' },
  {
    scenario: 'b',
    server: 'nest-stomp',
    metric: 'p99Ms rounds, highest / lowest',
    text: '≤ 2 (rounds within 2 × of each other)',
    limit: () => 2,
    value: roundSpread('b', 'nest-stomp', 'p99Ms'),
    better: 'lower',
  },
  { scenario: 'b', server: 'nest-stomp', metric: 'p50Ms', text: '≤ 1.3 × minimal-ws', limit: timesMinimalWs('b', 'p50Ms', 1.3), better: 'lower' },
  { scenario: 'c', server: 'nest-stomp', metric: 'rssKiBPerConnection', text: '≤ 1.1 × minimal-ws', limit: timesMinimalWs('c', 'rssKiBPerConnection', 1.1), better: 'lower' },
  { scenario: 'd', server: 'nest-stomp', metric: 'p99Ms', text: '≤ 1.3 × minimal-ws', limit: timesMinimalWs('d', 'p99Ms', 1.3), better: 'lower' },
  {
    scenario: 'e',
    server: 'nest-stomp-relay',
    metric: 'deliveriesPerSecond',
    text: '≥ 0.8 × RabbitMQ Web-STOMP direct',
    limit: times('rabbitmq-web-stomp', 'e', 'deliveriesPerSecond', 0.8),
    better: 'higher',
  },
  {
    scenario: 'f',
    server: 'simple-broker',
    metric: 'patternOverheadRatio',
    text: '≤ 1.2 (publish cost with 100k pattern subscriptions / exact only)',
    limit: () => 1.2,
    better: 'lower',
  },
  ...durableTargets(),
  {
    scenario: 'h',
    server: 'sockjs-app-sockjs-websocket',
    metric: 'cpuSecondsPer100kDeliveries',
    text: '≤ 1.5 × raw WebSocket, same server',
    limit: times('sockjs-app-raw-ws', 'h', 'cpuSecondsPer100kDeliveries', 1.5),
    better: 'lower',
  },
  {
    scenario: 'h',
    server: 'sockjs-app-xhr-streaming',
    metric: 'cpuSecondsPer100kDeliveries',
    text: '≤ 1.5 × raw WebSocket, same server',
    limit: times('sockjs-app-raw-ws', 'h', 'cpuSecondsPer100kDeliveries', 1.5),
    better: 'lower',
  },
  { scenario: 'i', server: 'nest-stomp', metric: 'setupsPerSecond', text: '≥ 0.9 × minimal-ws', limit: timesMinimalWs('i', 'setupsPerSecond', 0.9), better: 'higher' },
  {
    scenario: 'j',
    server: 'nest-stomp-metrics',
    metric: 'cpuSecondsPer100kDeliveries',
    text: '≤ 1.03 × nest-stomp without metrics',
    limit: times('nest-stomp', 'j', 'cpuSecondsPer100kDeliveries', 1.03),
    better: 'lower',
  },
];

/** (g): nest-stomp's fan-out through each durable broker ≥ 0.7 × its baseline's deliveries/s. */
function durableTargets(): Target[] {
  const pairs: ReadonlyArray<[ServerId, ServerId]> = [
    ['nest-stomp-history', 'minimal-ws-history'],
    ['nest-stomp-redis-streams', 'redis-streams-direct'],
    ['nest-stomp-jetstream', 'jetstream-direct'],
    ['nest-stomp-kafka', 'kafka-direct'],
  ];
  return pairs.map(([server, baseline]) => ({
    scenario: 'g',
    server,
    metric: 'deliveriesPerSecond',
    text: `≥ 0.7 × ${baseline}`,
    limit: times(baseline, 'g', 'deliveriesPerSecond', 0.7),
    better: 'higher',
  }));
}

export type Verdict = 'met' | 'MISSED' | 'not judged';

export interface TargetVerdict {
  readonly target: Target;
  readonly value: number | undefined;
  readonly limit: number | undefined;
  readonly verdict: Verdict;
}

export function judgeTargets(results: readonly RunResult[]): TargetVerdict[] {
  return TARGETS.map((target) => {
    const value = target.value ? target.value(results) : metricOf(results, target.scenario, target.server, target.metric);
    const limit = target.limit(results);
    if (value === undefined || limit === undefined) return { target, value, limit, verdict: 'not judged' };
    const met = target.better === 'lower' ? value <= limit : value >= limit;
    return { target, value, limit, verdict: met ? 'met' : 'MISSED' };
  });
}

/** Every scenario that sends messages must lose, duplicate and reorder none, on every server. */
export function integrityVerdict(result: RunResult): Verdict {
  const integrity = result.outcome?.integrity;
  if (!integrity) return result.scenario === 'i' && result.outcome ? (result.outcome.failedConnections === 0 ? 'met' : 'MISSED') : 'not judged';
  return isIntact(integrity) && result.outcome!.failedConnections === 0 ? 'met' : 'MISSED';
}
