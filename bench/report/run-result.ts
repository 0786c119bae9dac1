import type { ScenarioId } from '../config.js';
import type { ServerId } from '../harness/server-kinds.js';
import { sumIntegrity } from '../load/sequence-tracker.js';
import type { Metrics, ScenarioOutcome } from '../scenarios/scenario.js';

/** One scenario against one server over all rounds: the median outcome, each round, the failures. */
export interface RunResult {
  readonly scenario: ScenarioId;
  readonly server: ServerId;
  /** Median of every metric over the rounds it was taken from (see combineRounds); integrity and failures of all rounds summed. */
  readonly outcome?: ScenarioOutcome;
  readonly rounds: readonly ScenarioOutcome[];
  /** How many rounds ran on a quiet machine; the medians come from those when there is one. */
  readonly quietRounds: number;
  readonly errors: readonly string[];
}

/**
 * Medians over the quiet rounds (other processes below `quietThresholdPercent` of a CPU during the
 * measured window), or over all rounds when none was quiet: on a shared machine a round that ran
 * beside someone's test suite measures the suite. The rule is the same for every server, and
 * integrity counts every round.
 */
export function combineRounds(
  scenario: ScenarioId,
  server: ServerId,
  rounds: readonly ScenarioOutcome[],
  errors: readonly string[],
  quietThresholdPercent: number,
): RunResult {
  const quiet = rounds.filter((round) => !(round.metrics.otherProcessesCpuPercent! >= quietThresholdPercent));
  if (rounds.length === 0) return { scenario, server, rounds, quietRounds: 0, errors };
  const measured = quiet.length > 0 ? quiet : rounds;
  const metrics: Metrics = {};
  for (const name of Object.keys(rounds[0]!.metrics)) metrics[name] = median(measured.map((round) => round.metrics[name]!));
  const integrities = rounds.flatMap((round) => (round.integrity ? [round.integrity] : []));
  const outcome: ScenarioOutcome = {
    metrics,
    ...(integrities.length > 0 ? { integrity: sumIntegrity(integrities) } : {}),
    failedConnections: rounds.reduce((sum, round) => sum + round.failedConnections, 0),
  };
  return { scenario, server, outcome, rounds, quietRounds: quiet.length, errors };
}

export function metricOf(results: readonly RunResult[], scenario: ScenarioId, server: ServerId, metric: string): number | undefined {
  const value = results.find((r) => r.scenario === scenario && r.server === server)?.outcome?.metrics[metric];
  return value === undefined || Number.isNaN(value) ? undefined : value;
}

/** Lowest and highest value of a metric over all rounds. */
export function rangeOf(result: RunResult, metric: string): [number, number] | undefined {
  const values = result.rounds.map((round) => round.metrics[metric]!).filter((value) => value !== undefined && !Number.isNaN(value));
  return values.length === 0 ? undefined : [Math.min(...values), Math.max(...values)];
}

function median(values: readonly number[]): number {
  const sorted = values.filter((value) => value !== undefined && !Number.isNaN(value)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
