import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import type { FromServer, ServerStats, ToServer } from '../shared/ipc-messages.js';
import { pinnedCommand, type CpuPinning } from './cpu-pinning.js';
import { readProcessCpu, type CpuSample } from './process-cpu.js';

const READY_TIMEOUT_MS = 30_000;
const STATS_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 10_000;

export interface ServerLaunch {
  /** Absolute path of the compiled server script. */
  readonly script: string;
  /** Arguments after the script (which broker a (g) server runs on). */
  readonly args?: readonly string[];
  readonly pinning: CpuPinning;
  readonly nodeArgs: readonly string[];
  /** Where `--cpu-prof` writes, and the file name; no profiling when absent. */
  readonly profile?: { readonly dir: string; readonly name: string };
}

/** A server under test in its own process, pinned to its core, queried and stopped over IPC. */
export class ServerProcess {
  private nextRequestId = 0;
  private readonly pendingStats = new Map<number, (stats: ServerStats) => void>();

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {
    child.on('message', (message: FromServer) => {
      if (message.type !== 'stats') return;
      this.pendingStats.get(message.requestId)?.(message);
      this.pendingStats.delete(message.requestId);
    });
  }

  static async start(launch: ServerLaunch): Promise<ServerProcess> {
    const profileArgs = launch.profile ? ['--cpu-prof', `--cpu-prof-dir=${launch.profile.dir}`, `--cpu-prof-name=${launch.profile.name}`] : [];
    const [command, args] = pinnedCommand(launch.pinning, ['--expose-gc', ...launch.nodeArgs, ...profileArgs, launch.script, ...(launch.args ?? [])]);
    const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const ready = new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${launch.script} not ready within ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);
      child.on('message', (message: FromServer) => {
        if (message.type !== 'ready') return;
        clearTimeout(timer);
        resolve(message.port);
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${launch.script} exited with ${code} before it was ready`));
      });
    });
    try {
      return new ServerProcess(child, await ready);
    } catch (error) {
      child.kill('SIGKILL');
      throw error;
    }
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** The server's CPU time: from /proc at once where it exists, else asked over IPC. */
  async cpu(): Promise<CpuSample> {
    return readProcessCpu(this.pid) ?? (await this.stats());
  }

  /** CPU time and memory as the server reports them; `collectGarbage` runs a full GC first. */
  stats(collectGarbage = false): Promise<ServerStats> {
    const requestId = this.nextRequestId++;
    return new Promise<ServerStats>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pendingStats.delete(requestId);
        reject(new Error(`No stats from the server within ${STATS_TIMEOUT_MS} ms`));
      }, STATS_TIMEOUT_MS);
      this.pendingStats.set(requestId, (stats) => {
        clearTimeout(timer);
        resolve(stats);
      });
      this.post({ type: 'stats', requestId, collectGarbage });
    });
  }

  /** Asks the server to exit (so a CPU profile gets written), then kills it if it does not. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = once(this.child, 'exit');
    this.post({ type: 'stop' });
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  }

  private post(message: ToServer): void {
    if (this.child.connected) this.child.send(message);
  }
}
