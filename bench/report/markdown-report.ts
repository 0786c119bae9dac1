import type { BenchConfig } from '../config.js';
import { SERVER_KINDS } from '../harness/server-kinds.js';
import type { IntegrityReport } from '../load/sequence-tracker.js';
import type { ScenarioId } from '../config.js';
import type { ServerId } from '../harness/server-kinds.js';
import { DURABLE_PAIRS } from '../scenarios/durable-brokers.scenario.js';
import { SCENARIOS } from '../scenarios/index.js';
import type { ProfileSummary } from './cpu-profile-summary.js';
import { formatNumber, KEY_METRICS, SPRING_REFERENCE_LABEL, type KeyMetric } from './key-metrics.js';
import { metricOf, rangeOf, type RunResult } from './run-result.js';
import { integrityVerdict, judgeTargets, TARGETS, type TargetVerdict } from './targets.js';

export interface ReportInput {
  readonly config: BenchConfig;
  readonly environment: readonly string[];
  readonly results: readonly RunResult[];
  /** Why chosen scenarios did not run. */
  readonly skipped: readonly string[];
  readonly profiles: readonly ProfileSummary[];
}

/** The whole report: environment, the main table, the targets, every number, profiles. */
export function markdownReport({ config, environment, results, skipped, profiles }: ReportInput): string {
  const verdicts = judgeTargets(results);
  const sections = [
    `# nest-stomp benchmark${config.quick ? ' (quick smoke run: not the task\'s sizes)' : ''}`,
    environment.map((line) => `- ${line}`).join('\n'),
    `## Results\n\n${resultsExplanation(config)}`,
    resultsTable(config, results, verdicts),
    saturationNote(config, results),
    relaySection(results, verdicts),
    ...config.scenarios.filter((id) => SCENARIOS[id].baseline !== undefined).map((id) => baselineSection(id, results, verdicts)),
    durableSection(results, verdicts),
    skipped.join('\n'),
    '## Targets (nest-stomp, same run)',
    targetsTable(verdicts),
    '## All measured numbers',
    detailsTable(results),
    ...profiles.map(profileSection),
  ];
  return `${sections.filter((section) => section !== '').join('\n\n')}\n`;
}

function resultsExplanation(config: BenchConfig): string {
  return [
    `Each value is a median over ${config.repeats} round${config.repeats > 1 ? 's' : ''}; [min–max] spans all rounds.`,
    `*Other load* is the CPU that processes outside the bench took during a measured window, in % of one CPU. A round is *quiet* when it stayed below ${config.quietThresholdPercent} %;`,
    'the medians, ratios and verdicts come from the quiet rounds when there is one (a round beside someone\'s test suite measures the suite), else from all rounds.',
    'Ratios divide this row\'s median by the baseline\'s median of the same run. Integrity counts every round.',
  ].join(' ');
}

function resultsTable(config: BenchConfig, results: readonly RunResult[], verdicts: readonly TargetVerdict[]): string {
  const rows = [
    '| scenario | server | key metrics | × minimal-ws | × socket.io | integrity | other load | target met? |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const scenarioId of config.scenarios.filter((id) => id !== 'e' && id !== 'g' && SCENARIOS[id].baseline === undefined)) {
    const metrics = KEY_METRICS.filter((metric) => metric.scenario === scenarioId);
    const title = `(${scenarioId}) ${SCENARIOS[scenarioId].title}`;
    const servers = serversOf(results, scenarioId);
    if (servers.length === 0) continue;
    for (const serverId of servers) {
      const result = results.find((r) => r.scenario === scenarioId && r.server === serverId);
      if (!result?.outcome) {
        rows.push(`| ${title} | ${serverId} | failed: ${escapeCell(result?.errors.join('; ') || 'not run')} | | | | | |`);
        continue;
      }
      const value = (metric: KeyMetric) => metricOf(results, scenarioId, serverId, metric.name);
      const ratio = (baseline: 'minimal-ws' | 'socket.io') =>
        metrics.map((metric) => formatRatio(value(metric), metricOf(results, scenarioId, baseline, metric.name))).join(' · ');
      rows.push(
        `| ${title} | ${serverId} | ${metrics.map((m) => `${formatNumber(value(m), m.decimals)}${formatRange(result, m)} ${m.label}`).join(' · ')} | ${ratio('minimal-ws')} | ${ratio('socket.io')} | ${integrityCell(result)} | ${otherLoadCell(result)} | ${TARGETS.some((t) => t.scenario === scenarioId && t.server === serverId) ? targetCell(scenarioId, result, verdicts) : ''} |`,
      );
    }
    const references = metrics.filter((metric) => metric.springReference !== undefined);
    if (references.length > 0) {
      rows.push(`| ${title} | ${SPRING_REFERENCE_LABEL} | ${references.map((m) => `${formatNumber(m.springReference, m.decimals)} ${m.label}`).join(' · ')} | | | | | |`);
    }
  }
  return rows.length > 2 ? rows.join('\n') : '';
}

/** The servers a scenario ran against in this run, in the scenario's order. */
function serversOf(results: readonly RunResult[], scenarioId: ScenarioId): ServerId[] {
  return SCENARIOS[scenarioId].servers.filter((server) => results.some((r) => r.scenario === scenarioId && r.server === server));
}

/**
 * (e) in a table of its own: its baseline is RabbitMQ Web-STOMP, and the CPU of RabbitMQ (not
 * started, not pinned by the bench) matters as much as the relay's.
 */
function relaySection(results: readonly RunResult[], verdicts: readonly TargetVerdict[]): string {
  const servers = serversOf(results, 'e');
  if (servers.length === 0) return '';
  const metric = (server: ServerId, name: string) => metricOf(results, 'e', server, name);
  const cpu = (server: ServerId, name: string) => formatNumber(metric(server, name), 0) + (metric(server, name) === undefined ? '' : ' %');
  const rows = [
    `### (e) ${SCENARIOS.e.title}`,
    '',
    'The same clients, window and integrity checks as (a), with 1 publisher SENDing straight to the RabbitMQ topic `/topic/bench.fanout`: ' +
      "through nest-stomp's broker relay (a Node process pinned like the other servers, one RabbitMQ STOMP connection per client session), " +
      'and talking to RabbitMQ Web-STOMP directly. RabbitMQ runs outside the bench, unpinned: its CPU is read from /proc (beam.smp) and is not counted as other load.',
    '',
    '| server | deliveries/s | × RabbitMQ direct | nest-stomp CPU | RabbitMQ CPU | RabbitMQ CPU-s per 100k deliveries | generator CPU | integrity | other load | target met? |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  const deliveries = KEY_METRICS.find((m) => m.scenario === 'e' && m.name === 'deliveriesPerSecond')!;
  for (const server of servers) {
    const result = results.find((r) => r.scenario === 'e' && r.server === server)!;
    if (!result.outcome) {
      rows.push(`| ${server} | failed: ${escapeCell(result.errors.join('; ') || 'not run')} | | | | | | | | |`);
      continue;
    }
    rows.push(
      `| ${server} | ${formatNumber(metric(server, 'deliveriesPerSecond'), 0)}${formatRange(result, deliveries)} | ` +
        `${formatRatio(metric(server, 'deliveriesPerSecond'), metric('rabbitmq-web-stomp', 'deliveriesPerSecond'))} | ` +
        `${cpu(server, 'serverCpuPercent')} | ${cpu(server, 'brokerCpuPercent')} | ${formatNumber(metric(server, 'brokerCpuSecondsPer100kDeliveries'), 3)} | ` +
        `${cpu(server, 'generatorCpuPercent')} | ${integrityCell(result)} | ${otherLoadCell(result)} | ` +
        `${server === 'nest-stomp-relay' ? targetCell('e', result, verdicts) : ''} |`,
    );
  }
  rows.push(
    '',
    'CPU in % of one core (median, by the same quiet-round rule); RabbitMQ may use both cores, so its figure can pass 100 %. ' +
      'The machine has the cores it has: through the relay, the Node server, RabbitMQ and the generator share them; directly, only RabbitMQ and the generator do.',
  );
  return rows.join('\n');
}

/**
 * A scenario measured against a server of its own ((h): raw WebSocket of the same app; (j): metrics
 * off) instead of minimal-ws: its key metrics with a `× baseline` ratio each, and the CPU figures
 * needed to read a fan-out's rate.
 */
function baselineSection(scenarioId: ScenarioId, results: readonly RunResult[], verdicts: readonly TargetVerdict[]): string {
  const scenario = SCENARIOS[scenarioId];
  const servers = serversOf(results, scenarioId);
  if (servers.length === 0) return '';
  const baseline = scenario.baseline!;
  const metrics = KEY_METRICS.filter((metric) => metric.scenario === scenarioId);
  const value = (server: ServerId, name: string) => metricOf(results, scenarioId, server, name);
  const rows = [
    `### (${scenarioId}) ${scenario.title}`,
    '',
    `| server | ${metrics.map((m) => m.label).join(' | ')} | × ${baseline} | server CPU | generator CPU | integrity | other load | target met? |`,
    `|---|${metrics.map(() => '---|').join('')}---|---|---|---|---|---|`,
  ];
  for (const server of servers) {
    const result = results.find((r) => r.scenario === scenarioId && r.server === server)!;
    if (!result.outcome) {
      rows.push(`| ${server} | failed: ${escapeCell(result.errors.join('; ') || 'not run')} |${metrics.map(() => ' |').join('')} | | | | | |`);
      continue;
    }
    const cpu = (name: string) => formatNumber(value(server, name), 0) + (value(server, name) === undefined ? '' : ' %');
    rows.push(
      `| ${server} | ${metrics.map((m) => `${formatNumber(value(server, m.name), m.decimals)}${formatRange(result, m)}`).join(' | ')} | ` +
        `${metrics.map((m) => formatRatio(value(server, m.name), value(baseline, m.name))).join(' · ')} | ` +
        `${cpu('serverCpuPercent')} | ${cpu('generatorCpuPercent')} | ${integrityCell(result)} | ${otherLoadCell(result)} | ` +
        `${TARGETS.some((t) => t.scenario === scenarioId && t.server === server) ? targetCell(scenarioId, result, verdicts.filter((v) => v.target.server === server)) : ''} |`,
    );
  }
  return rows.join('\n');
}

/**
 * (g) in a table of its own: each durable broker's nest-stomp row beside its baseline (the service's
 * own client, or for the embedded history a minimal server with an array as its log).
 */
function durableSection(results: readonly RunResult[], verdicts: readonly TargetVerdict[]): string {
  if (serversOf(results, 'g').length === 0) return '';
  const metric = (server: ServerId, name: string) => metricOf(results, 'g', server, name);
  const percent = (server: ServerId, name: string) => (metric(server, name) === undefined ? '—' : `${formatNumber(metric(server, name), 0)} %`);
  const key = (name: string) => KEY_METRICS.find((m) => m.scenario === 'g' && m.name === name)!;
  const rows = [
    `### (g) ${SCENARIOS.g.title}`,
    '',
    'Per broker, nest-stomp (STOMP clients SEND to a retained `/topic/durable/<stream>` and subscribe to it) and its baseline, the same load through the ' +
      "service's own Node client in the generator (the embedded history: a minimal STOMP server with a bare array as its log). Fan-out: 1 publisher, N subscribers, " +
      'a window of messages in flight; latency from publish to delivery. Fill: the replay stream stored, the last of every 1000 awaited. Replay: a new subscriber ' +
      'reads the stream from the first message (`x-stream-offset:first`), msgs/s until the last arrives. The services run outside the bench (Kafka: started by it), unpinned.',
    '',
    '| broker | server | deliveries/s | × baseline | p50 / p99 ms | fill msgs/s | replay msgs/s | × baseline | server CPU | broker CPU | generator CPU | integrity | other load | target met? |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const { broker, nestStomp, baseline } of DURABLE_PAIRS) {
    for (const server of [nestStomp, baseline]) {
      const result = results.find((r) => r.scenario === 'g' && r.server === server);
      if (!result) continue;
      if (!result.outcome) {
        rows.push(`| ${broker} | ${server} | failed: ${escapeCell(result.errors.join('; ') || 'not run')} | | | | | | | | | | | |`);
        continue;
      }
      const mine = server === nestStomp;
      const verdict = verdicts.find((v) => v.target.scenario === 'g' && v.target.server === server);
      rows.push(
        `| ${broker} | ${server} | ${formatNumber(metric(server, 'deliveriesPerSecond'), 0)}${formatRange(result, key('deliveriesPerSecond'))} | ` +
          `${mine ? formatRatio(metric(server, 'deliveriesPerSecond'), metric(baseline, 'deliveriesPerSecond')) : ''} | ` +
          `${formatNumber(metric(server, 'p50Ms'), 2)} / ${formatNumber(metric(server, 'p99Ms'), 2)} | ${formatNumber(metric(server, 'fillPerSecond'), 0)} | ` +
          `${formatNumber(metric(server, 'replayPerSecond'), 0)}${formatRange(result, key('replayPerSecond'))} | ` +
          `${mine ? formatRatio(metric(server, 'replayPerSecond'), metric(baseline, 'replayPerSecond')) : ''} | ` +
          `${percent(server, 'serverCpuPercent')} | ${percent(server, 'brokerCpuPercent')} | ${percent(server, 'generatorCpuPercent')} | ` +
          `${integrityCell(result)} | ${otherLoadCell(result)} | ${verdict ? `deliveries/s ${verdict.target.text}: ${verdict.verdict}; integrity: ${integrityVerdict(result)}` : ''} |`,
      );
    }
  }
  rows.push('', 'CPU in % of one core (median); the broker may use both cores. Server CPU is the nest-stomp (or minimal) server process, pinned to its core; a baseline talking to its service directly has none, its client work is in the generator.');
  return rows.join('\n');
}

/** The spread over the rounds, when there were several: ` [min–max]`. */
function formatRange(result: RunResult, metric: KeyMetric): string {
  const range = result.rounds.length > 1 ? rangeOf(result, metric.name) : undefined;
  return range ? ` [${formatNumber(range[0], metric.decimals)}–${formatNumber(range[1], metric.decimals)}]` : '';
}

/** How many rounds were quiet, and the most CPU other processes took in any round. */
function otherLoadCell(result: RunResult): string {
  const range = rangeOf(result, 'otherProcessesCpuPercent');
  if (!range) return '—';
  const used = result.quietRounds > 0 ? `${result.quietRounds} of ${result.rounds.length} quiet` : 'none quiet: all used';
  return `${used} · max ${formatNumber(range[1], 0)} %`;
}

/**
 * Fan-out at max rate drives server and generator (one core each) near 100 %: deliveries/s is what
 * the two reach together, so the reader needs both CPU figures to read it.
 */
function saturationNote(config: BenchConfig, results: readonly RunResult[]): string {
  const servers = serversOf(results, 'a');
  if (!config.scenarios.includes('a') || servers.length === 0) return '';
  const cpu = (metric: string) => servers.map((server) => `${server} ${formatNumber(metricOf(results, 'a', server, metric), 0)} %`).join(', ');
  return (
    `(a) CPU in % of one core (median): server ${cpu('serverCpuPercent')}; generator ${cpu('generatorCpuPercent')}. ` +
    'Where both are near 100 %, deliveries/s is what server and generator reach together, a lower bound of the server\'s capacity; ' +
    'CPU-s per 100k deliveries is the server\'s own cost.'
  );
}

function targetCell(scenarioId: string, result: RunResult, verdicts: readonly TargetVerdict[]): string {
  const parts = verdicts.filter((v) => v.target.scenario === scenarioId).map((v) => `${v.target.metric} ${v.target.text}: ${v.verdict}`);
  if (result.outcome?.integrity) parts.push(`integrity: ${integrityVerdict(result)}`);
  else if (scenarioId === 'i' && result.outcome) parts.push(`no failed connection: ${integrityVerdict(result)}`);
  return parts.join('; ');
}

function integrityCell(result: RunResult): string {
  const { integrity, failedConnections } = result.outcome!;
  const failed = failedConnections > 0 ? ` · ${failedConnections} failed connections` : '';
  const errors = result.errors.length > 0 ? ` · ${result.errors.length} rounds failed` : '';
  if (!integrity) return `${failedConnections > 0 ? `${failedConnections} failed connections` : '—'}${errors}`;
  return `${describeIntegrity(integrity)}${failed}${errors}`;
}

export function describeIntegrity(integrity: IntegrityReport): string {
  const { lost, duplicated, outOfOrder, malformed, received } = integrity;
  if (lost + duplicated + outOfOrder + malformed === 0) return `ok (${formatNumber(received, 0)} msgs)`;
  return `lost ${lost} · dup ${duplicated} · out of order ${outOfOrder}${malformed ? ` · malformed ${malformed}` : ''} (of ${formatNumber(integrity.expected, 0)})`;
}

function targetsTable(verdicts: readonly TargetVerdict[]): string {
  const rows = ['| scenario | server | metric | target | value | limit | verdict |', '|---|---|---|---|---|---|---|'];
  for (const { target, value, limit, verdict } of verdicts) {
    const decimals = KEY_METRICS.find((m) => m.scenario === target.scenario && m.name === target.metric)?.decimals ?? 2;
    rows.push(
      `| (${target.scenario}) | ${target.server} | ${target.metric} | ${target.text} | ${formatNumber(value, decimals)} | ${formatNumber(limit, decimals)} | ${verdict} |`,
    );
  }
  rows.push('| (a), (b), (d), (e), (h), (j) | every server | integrity | zero lost, duplicated, out of order; no failed connection | see the results tables | | |',
    '| (i) | every server | failed connections | none of the N setups fails | see the results table | | |');
  return rows.join('\n');
}

function detailsTable(results: readonly RunResult[]): string {
  const rows = ['| scenario | server | round | metrics | failed connections |', '|---|---|---|---|---|'];
  for (const result of results) {
    result.rounds.forEach((round, i) => {
      const metrics = Object.entries(round.metrics)
        .map(([name, value]) => `${name} ${formatNumber(value, Math.abs(value) >= 100 ? 0 : 3)}`)
        .join(', ');
      rows.push(`| (${result.scenario}) | ${result.server} | ${i + 1} | ${metrics} | ${round.failedConnections} |`);
    });
    for (const error of result.errors) rows.push(`| (${result.scenario}) | ${result.server} | failed | ${escapeCell(error)} | |`);
  }
  const measured = Object.values(SERVER_KINDS).filter((kind) => results.some((r) => r.server === kind.id));
  rows.push('', ...measured.map((kind) => `- **${kind.id}**: ${kind.description}`));
  return rows.join('\n');
}

function profileSection(profile: ProfileSummary): string {
  const rows = [
    `## CPU profile: ${profile.file}`,
    '',
    `${formatNumber(profile.totalMs, 0)} ms sampled, ${formatNumber(profile.idlePercent, 1)} % idle. Top functions by self time (share of non-idle time):`,
    '',
    '| self % | self ms | function | where |',
    '|---|---|---|---|',
  ];
  for (const entry of profile.top) {
    rows.push(`| ${formatNumber(entry.percentOfBusy, 1)} | ${formatNumber(entry.selfMs, 0)} | ${escapeCell(entry.functionName)} | ${escapeCell(entry.location)} |`);
  }
  return rows.join('\n');
}

function formatRatio(value: number | undefined, baseline: number | undefined): string {
  if (value === undefined || baseline === undefined || baseline === 0) return '—';
  return `${value / baseline >= 10 ? (value / baseline).toFixed(1) : (value / baseline).toFixed(2)}×`;
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
