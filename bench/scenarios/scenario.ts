import type { BenchConfig, ScenarioId } from '../config.js';
import type { ServerProcess } from '../harness/server-process.js';
import type { BenchClient, ConnectClient } from '../load/bench-client.js';
import type { IntegrityReport } from '../load/sequence-tracker.js';

export interface ScenarioContext {
  readonly config: BenchConfig;
  readonly server: ServerProcess;
  readonly connect: ConnectClient;
  readonly log: (line: string) => void;
}

/** Named numbers; the report picks the key ones by name (see report/metrics.ts). */
export type Metrics = Record<string, number>;

export interface ScenarioOutcome {
  readonly metrics: Metrics;
  /** Per-message integrity, for scenarios that send messages. */
  readonly integrity?: IntegrityReport;
  /** Connections that failed during the run (ERROR frame, dropped socket). */
  readonly failedConnections: number;
}

export interface Scenario {
  readonly id: ScenarioId;
  readonly title: string;
  run(context: ScenarioContext): Promise<ScenarioOutcome>;
}

/** Counts the clients that failed, then closes them all. */
export function closeAll(clients: readonly BenchClient[]): number {
  const failed = clients.filter((client) => client.failure !== undefined).length;
  for (const client of clients) client.close();
  return failed;
}

export function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

/** Polls `done` every 20 ms until it holds or `timeoutSeconds` passed; true when it held. */
export async function waitUntil(done: () => boolean, timeoutSeconds: number): Promise<boolean> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  while (!done()) {
    if (Date.now() >= deadline) return false;
    await sleep(20);
  }
  return true;
}
