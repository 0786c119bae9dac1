import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

export interface CpuPinning {
  /** Core of the server processes, or undefined when nothing is pinned. */
  readonly serverCpu: number | undefined;
  readonly generatorCpu: number | undefined;
  /** Why nothing is pinned, when it is not. */
  readonly reason?: string;
}

/**
 * Keeps the server and the generator off each other's core where `taskset` exists and there are two
 * cores to give. The generator is this process: all its threads (libuv pool, V8 GC) are moved, and
 * threads started later inherit the mask.
 */
export function pinGenerator(serverCpu: number, generatorCpu: number): CpuPinning {
  if (availableParallelism() < 2) return { serverCpu: undefined, generatorCpu: undefined, reason: 'a single CPU' };
  try {
    execFileSync('taskset', ['-a', '-p', '-c', String(generatorCpu), String(process.pid)], { stdio: 'ignore' });
    return { serverCpu, generatorCpu };
  } catch {
    return { serverCpu: undefined, generatorCpu: undefined, reason: 'taskset is missing or failed' };
  }
}

/** The command line that starts `node args` on the server's core. */
export function pinnedCommand(pinning: CpuPinning, nodeArgs: readonly string[]): [string, string[]] {
  if (pinning.serverCpu === undefined) return [process.execPath, [...nodeArgs]];
  return ['taskset', ['-c', String(pinning.serverCpu), process.execPath, ...nodeArgs]];
}
