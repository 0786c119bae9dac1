import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, type BenchConfig } from './config.js';
import { describeEnvironment } from './environment.js';
import { pinGenerator, type CpuPinning } from './harness/cpu-pinning.js';
import { ensureOpenFilesLimit } from './harness/fd-limit.js';
import { waitForQuietMachine } from './harness/quiet-machine.js';
import { SERVER_KINDS, type ServerId, type ServerKind } from './harness/server-kinds.js';
import { ServerProcess } from './harness/server-process.js';
import { summarizeCpuProfile, type ProfileSummary } from './report/cpu-profile-summary.js';
import { markdownReport } from './report/markdown-report.js';
import { combineRounds, type RunResult } from './report/run-result.js';
import { svgChart } from './report/svg-chart.js';
import { judgeTargets } from './report/targets.js';
import { writeReport, writeRunData } from './report/write-results.js';
import { SCENARIOS } from './scenarios/index.js';
import type { Scenario, ScenarioOutcome } from './scenarios/scenario.js';

/** bench/dist when compiled; the server scripts sit beside this file. */
const DIST_DIR = dirname(fileURLToPath(import.meta.url));
const RESULTS_DIR = resolve(DIST_DIR, '../results');
/** Sockets and files a process needs besides the bench's connections. */
const SPARE_FILE_DESCRIPTORS = 1024;
/** Lets the sockets of the previous run close before the next server starts. */
const PAUSE_BETWEEN_RUNS_MS = 500;

interface RunData {
  readonly startedAt: string;
  readonly environment: readonly string[];
  readonly config: BenchConfig;
  readonly results: readonly RunResult[];
  /** Why chosen scenarios did not run (no RabbitMQ for (e), none of their servers chosen). */
  readonly skipped: readonly string[];
}

/**
 * `npm run bench`: every scenario against its servers ((a)–(d): nest-stomp and the two baselines;
 * (e): nest-stomp's relay and RabbitMQ Web-STOMP directly; (f): the embedded broker inside this
 * process, with and without 100k pattern subscriptions), one fresh server process per run, then
 * the table, the targets, and the files under bench/results/. `--from <json>` renders
 * the report of an earlier run again from its rounds, without measuring.
 */
async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const from = argv.indexOf('--from');
  if (from !== -1) renderAgain(resolve(argv[from + 1] ?? ''));
  else await measure(loadConfig(argv, process.env));
}

async function measure(config: BenchConfig): Promise<void> {
  const warnings: string[] = [];
  const fdWarning = ensureOpenFilesLimit(connectionsNeeded(config) + SPARE_FILE_DESCRIPTORS);
  if (fdWarning) warnings.push(fdWarning);
  const pinning = pinGenerator(config.serverCpu, config.generatorCpu);
  const startedAt = new Date();
  const { runnable, skipped, notes } = await prepareScenarios(config);
  const environment = describeEnvironment(config, pinning, warnings, notes);
  console.log(environment.join('\n'));
  if (skipped.length > 0) console.log(skipped.join('\n'));

  const results: RunResult[] = [];
  const profileFiles: string[] = [];
  try {
    await runScenarios(runnable, config, pinning, startedAt, results, profileFiles);
  } finally {
    // What scenarios started for themselves (the Kafka of (g)) goes, even when a round threw.
    for (const { scenario } of runnable) await scenario.finish?.();
  }
  const data: RunData = { startedAt: startedAt.toISOString(), environment, config, results, skipped };
  const json = writeRunData(RESULTS_DIR, startedAt, { ...data, targets: judgeTargets(results) });
  const profiles = profileFiles.filter((file) => existsSync(file)).map((file) => summarizeCpuProfile(file));
  report(data, profiles, [json, ...(profileFiles.length ? [join(RESULTS_DIR, 'profiles')] : [])]);
}

async function runScenarios(
  runnable: ReadonlyArray<{ scenario: Scenario; servers: ServerId[] }>,
  config: BenchConfig,
  pinning: CpuPinning,
  startedAt: Date,
  results: RunResult[],
  profileFiles: string[],
): Promise<void> {
  for (const { scenario, servers } of runnable) {
    const scenarioId = scenario.id;
    const rounds = new Map(servers.map((server) => [server, { outcomes: [] as ScenarioOutcome[], errors: [] as string[] }]));
    for (let round = 1; round <= config.repeats; round++) {
      console.log(`\n(${scenario.id}) ${scenario.title}${config.repeats > 1 ? `, round ${round} of ${config.repeats}` : ''}`);
      for (const serverId of servers) {
        // One profile per scenario is enough to read, and profiling slows the other rounds' numbers too.
        const profile = config.profile.includes(serverId) && round === 1 ? profileFor(scenario, serverId, startedAt) : undefined;
        if (profile) profileFiles.push(join(profile.dir, profile.name));
        const { outcome, error } = await runOne(scenario, SERVER_KINDS[serverId], config, pinning, profile);
        if (outcome) rounds.get(serverId)!.outcomes.push(outcome);
        if (error) rounds.get(serverId)!.errors.push(error);
        await new Promise((done) => setTimeout(done, PAUSE_BETWEEN_RUNS_MS));
      }
    }
    for (const [serverId, { outcomes, errors }] of rounds) {
      results.push(combineRounds(scenarioId, serverId, outcomes, errors, config.quietThresholdPercent));
    }
  }
}

/** The report of a stored run, its medians taken again from the rounds with today's rules. */
function renderAgain(file: string): void {
  const stored = JSON.parse(readFileSync(file, 'utf8')) as RunData;
  const config: BenchConfig = { ...loadConfig([], {}), ...stored.config };
  const results = stored.results.map((r) => combineRounds(r.scenario, r.server, r.rounds, r.errors, config.quietThresholdPercent));
  report({ ...stored, config, results, skipped: stored.skipped ?? [] }, [], []);
}

/**
 * Which chosen scenarios run, against which servers: a scenario's own servers narrowed by
 * BENCH_SERVERS, once what it needs outside the bench (RabbitMQ for (e)) answered.
 */
async function prepareScenarios(
  config: BenchConfig,
): Promise<{ runnable: Array<{ scenario: Scenario; servers: ServerId[] }>; skipped: string[]; notes: string[] }> {
  const runnable: Array<{ scenario: Scenario; servers: ServerId[] }> = [];
  const skipped: string[] = [];
  const notes: string[] = [];
  for (const scenarioId of config.scenarios) {
    const scenario = SCENARIOS[scenarioId];
    const servers = scenario.servers.filter((server) => config.servers.includes(server));
    if (servers.length === 0) {
      skipped.push(`(${scenarioId}) skipped: BENCH_SERVERS chose none of its servers (${scenario.servers.join(', ')})`);
      continue;
    }
    const preparation = await scenario.prepare?.(config);
    if (preparation?.skip) {
      skipped.push(`(${scenarioId}) skipped: ${preparation.skip}`);
      continue;
    }
    notes.push(...(preparation?.notes ?? []));
    // A scenario over several services ((g)) runs against those that answered, and says why not the others.
    const unavailable = preparation?.unavailableServers ?? {};
    for (const [server, why] of Object.entries(unavailable)) {
      if (servers.includes(server as ServerId)) skipped.push(`(${scenarioId}) ${server} skipped: ${why}`);
    }
    const available = servers.filter((server) => unavailable[server] === undefined);
    if (available.length === 0) {
      await scenario.finish?.();
      continue;
    }
    runnable.push({ scenario, servers: available });
  }
  return { runnable, skipped, notes };
}

function report(data: RunData, profiles: readonly ProfileSummary[], otherFiles: readonly string[]): void {
  const markdown = markdownReport({ config: data.config, environment: data.environment, results: data.results, skipped: data.skipped, profiles });
  const files = writeReport(RESULTS_DIR, markdown, svgChart(data.config, data.results));
  console.log(`\n${markdown}`);
  console.log(`Written: ${[...otherFiles, ...files].join(', ')}`);
}

async function runOne(
  scenario: Scenario,
  kind: ServerKind,
  config: BenchConfig,
  pinning: CpuPinning,
  profile: { dir: string; name: string } | undefined,
): Promise<{ outcome?: ScenarioOutcome; error?: string }> {
  const log = (line: string) => console.log(`  ${kind.id}: ${line}`);
  const quiet = await waitForQuietMachine(config.quietWaitSeconds, config.quietThresholdPercent);
  if (quiet.waitedSeconds >= 1) {
    log(`waited ${quiet.waitedSeconds.toFixed(0)} s for other processes to calm down (now ${quiet.otherProcessesCpuPercent.toFixed(0)} % of a CPU)`);
  }
  let server: ServerProcess | undefined;
  try {
    // A kind without a script (RabbitMQ) runs outside the bench: nothing to start, pin or profile.
    if (kind.script) server = await ServerProcess.start({ script: join(DIST_DIR, kind.script), args: kind.scriptArgs, pinning, nodeArgs: config.serverNodeArgs, profile });
    const outcome = await scenario.run({ config, server, serverId: kind.id, connect: kind.connector(server?.port ?? 0, config), log });
    log('done');
    return { outcome };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log(`FAILED: ${message}`);
    return { error: message };
  } finally {
    await server?.stop();
  }
}

function profileFor(scenario: Scenario, serverId: ServerId, startedAt: Date): { dir: string; name: string } {
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
  return { dir: join(RESULTS_DIR, 'profiles'), name: `${serverId}-${scenario.id}-${stamp}.cpuprofile` };
}

/**
 * The most connections one scenario holds open at once (the generator and the server each need a
 * descriptor per connection; the relay server two, its client's and its broker connection).
 */
function connectionsNeeded(config: BenchConfig): number {
  const perScenario = {
    a: config.fanout.subscribers + 1,
    b: 2 * config.pairs.pairs,
    c: config.idle.connections,
    d: config.requestReply.clients,
    e: 2 * (config.relayFanout.subscribers + 2),
    f: 0,
    g: config.durable.subscribers + 2,
    // xhr-streaming: a streaming response and, at times, an xhr_send socket per client.
    h: 2 * (config.sockJsFanout.subscribers + 1),
    i: config.storm.connections,
    j: config.fanout.subscribers + 1,
  };
  return Math.max(...config.scenarios.map((id) => perScenario[id]));
}

await main();
