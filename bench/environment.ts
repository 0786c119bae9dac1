import { execFileSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import type { BenchConfig } from './config.js';
import type { CpuPinning } from './harness/cpu-pinning.js';
import { openFilesLimit } from './harness/fd-limit.js';

/** What a reader needs to judge the numbers: machine, pinning, load, sizes, code version. */
export function describeEnvironment(config: BenchConfig, pinning: CpuPinning, warnings: readonly string[], notes: readonly string[] = []): string[] {
  const cpu = cpus();
  return [
    `run at ${new Date().toISOString()}, ${gitDescription()}`,
    `node ${process.version}, ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    pinning.serverCpu === undefined
      ? `not pinned (${pinning.reason}): server and generator share the CPUs`
      : `servers pinned to CPU ${pinning.serverCpu}, generator (this process, single-threaded) to CPU ${pinning.generatorCpu}`,
    `load average at start ${loadavg().map((load) => load.toFixed(2)).join(' ')}; each run first waits up to ${config.quietWaitSeconds} s ` +
      `for other processes to use less than ${config.quietThresholdPercent} % of a CPU`,
    `open files limit ${openFilesLimit() ?? 'unknown'}`,
    `sizes: ${config.repeats} round(s) of ${config.durationSeconds} s measured after ${config.warmupSeconds} s warm-up; ${config.payloadBytes} B JSON bodies; ` +
      `(a) ${config.fanout.subscribers} subscribers, window ${config.fanout.windowMessages} msgs; ` +
      `(b) ${config.pairs.pairs} pairs × ${config.pairs.messagesPerSecond} msg/s; (c) ${config.idle.connections} connections; ` +
      `(d) ${config.requestReply.clients} clients × ${config.requestReply.requestsPerSecond} req/s; ` +
      `(e) ${config.relayFanout.subscribers} subscribers, window ${config.relayFanout.windowMessages} msgs; ` +
      `(h) ${config.sockJsFanout.subscribers} subscribers, window ${config.sockJsFanout.windowMessages} msgs; ` +
      `(i) ${config.storm.connections} clients, ${config.storm.concurrency} setups in flight`,
    ...notes,
    ...(config.profile.length > 0 ? [`${config.profile.join(', ')} ran under --cpu-prof in round 1: those numbers include the profiler's overhead`] : []),
    ...(config.serverNodeArgs.length > 0 ? [`servers ran with node ${config.serverNodeArgs.join(' ')}`] : []),
    ...warnings.map((warning) => `WARNING: ${warning}`),
  ];
}

function gitDescription(): string {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'libs'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return `commit ${commit}${dirty ? ' with uncommitted changes in libs/' : ''}`;
  } catch {
    return 'commit unknown';
  }
}
