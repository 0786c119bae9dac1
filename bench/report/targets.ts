import type { ScenarioId } from '../config.js';
import { isIntact } from '../load/sequence-tracker.js';
import { metricOf, type RunResult } from './run-result.js';

/** A goal of the task for nest-stomp, judged on numbers of the same run. */
export interface Target {
  readonly scenario: ScenarioId;
  readonly metric: string;
  readonly text: string;
  /** The limit nest-stomp's value must meet, or undefined when its baseline did not run. */
  limit(results: readonly RunResult[]): number | undefined;
  readonly better: 'higher' | 'lower';
}

const timesMinimalWs = (scenario: ScenarioId, metric: string, factor: number) => (results: readonly RunResult[]) => {
  const baseline = metricOf(results, scenario, 'minimal-ws', metric);
  return baseline === undefined ? undefined : baseline * factor;
};

export const TARGETS: readonly Target[] = [
  {
    scenario: 'a',
    metric: 'cpuSecondsPer100kDeliveries',
    text: '≤ 1.15 × minimal-ws',
    limit: timesMinimalWs('a', 'cpuSecondsPer100kDeliveries', 1.15),
    better: 'lower',
  },
  { scenario: 'a', metric: 'deliveriesPerSecond', text: '≥ 2 × Spring (92,000/s)', limit: () => 2 * 46_000, better: 'higher' },
  { scenario: 'b', metric: 'p99Ms', text: '≤ 1.5 × minimal-ws', limit: timesMinimalWs('b', 'p99Ms', 1.5), better: 'lower' },
  { scenario: 'c', metric: 'rssKiBPerConnection', text: '≤ 1.5 × minimal-ws', limit: timesMinimalWs('c', 'rssKiBPerConnection', 1.5), better: 'lower' },
  { scenario: 'd', metric: 'p99Ms', text: '≤ 1.5 × minimal-ws', limit: timesMinimalWs('d', 'p99Ms', 1.5), better: 'lower' },
];

export type Verdict = 'met' | 'MISSED' | 'not judged';

export interface TargetVerdict {
  readonly target: Target;
  readonly value: number | undefined;
  readonly limit: number | undefined;
  readonly verdict: Verdict;
}

export function judgeTargets(results: readonly RunResult[]): TargetVerdict[] {
  return TARGETS.map((target) => {
    const value = metricOf(results, target.scenario, 'nest-stomp', target.metric);
    const limit = target.limit(results);
    if (value === undefined || limit === undefined) return { target, value, limit, verdict: 'not judged' };
    const met = target.better === 'lower' ? value <= limit : value >= limit;
    return { target, value, limit, verdict: met ? 'met' : 'MISSED' };
  });
}

/** Every scenario that sends messages must lose, duplicate and reorder none, on every server. */
export function integrityVerdict(result: RunResult): Verdict {
  const integrity = result.outcome?.integrity;
  if (!integrity) return 'not judged';
  return isIntact(integrity) && result.outcome!.failedConnections === 0 ? 'met' : 'MISSED';
}
