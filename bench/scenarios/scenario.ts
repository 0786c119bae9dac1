import type { BenchConfig, ScenarioId } from '../config.js';
import type { ServerId } from '../harness/server-kinds.js';
import type { ServerProcess } from '../harness/server-process.js';
import type { BenchClient, ConnectClient } from '../load/bench-client.js';
import type { IntegrityReport } from '../load/sequence-tracker.js';

export interface ScenarioContext {
  readonly config: BenchConfig;
  /** The server process the bench started; absent when the clients talk to an external server (RabbitMQ). */
  readonly server: ServerProcess | undefined;
  /** The server kind this run measures. */
  readonly serverId: ServerId;
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

/** nest-stomp on its embedded broker and the two baselines it is measured against in (a)–(d). */
export const A_TO_D_SERVERS: readonly ServerId[] = ['nest-stomp', 'minimal-ws', 'socket.io'];

/** What a scenario found out before its rounds: why it cannot run, and what the report should say. */
export interface ScenarioPreparation {
  /** Why the scenario is skipped (a missing external broker); the run goes on without it. */
  readonly skip?: string;
  /** Lines for the environment section (versions and processes of external servers). */
  readonly notes: readonly string[];
  /** Servers of the scenario that cannot run (their service does not answer), and why; the others run. */
  readonly unavailableServers?: Readonly<Partial<Record<ServerId, string>>>;
}

export interface Scenario {
  readonly id: ScenarioId;
  readonly title: string;
  /** The servers it compares, in table order; BENCH_SERVERS narrows them. */
  readonly servers: readonly ServerId[];
  /**
   * The server the others are divided by, when it is not minimal-ws: such a scenario gets a table of
   * its own with a `× baseline` column ((h): the raw WebSocket path of the same server; (j): metrics off).
   */
  readonly baseline?: ServerId;
  /** Checks what the scenario needs outside the bench, once per run, before any round. */
  prepare?(config: BenchConfig): Promise<ScenarioPreparation>;
  /** Stops what `prepare` started (a Kafka server), after the scenario's last round or when it cannot run. */
  finish?(): Promise<void>;
  run(context: ScenarioContext): Promise<ScenarioOutcome>;
}

/** The scenarios of servers the bench starts itself use this to get at the process. */
export function requireServer(server: ServerProcess | undefined): ServerProcess {
  if (!server) throw new Error('This scenario needs a server process started by the bench');
  return server;
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
