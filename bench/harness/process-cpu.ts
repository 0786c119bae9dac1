import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

export interface CpuSample {
  readonly cpuMicros: number;
  readonly atEpochMs: number;
}

let clockTicksPerSecond: number | undefined;

/**
 * CPU time (user + system, all threads) of a process from /proc/<pid>/stat, read at once without
 * asking the process (which may be busy). Undefined where /proc is not there.
 */
export function readProcessCpu(pid: number): CpuSample | undefined {
  const stat = readProcFile(`/proc/${pid}/stat`);
  if (stat === undefined) return undefined;
  // Fields after the command name, which is in parentheses and may hold spaces: utime and stime are
  // fields 14 and 15 of the line, so 11 and 12 after the ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { cpuMicros: ticksToMicros(Number(fields[11]) + Number(fields[12])), atEpochMs: now() };
}

/** CPU time all processes of the machine spent busy (not idle, not waiting for I/O), from /proc/stat. */
export function readMachineCpu(): CpuSample | undefined {
  const stat = readProcFile('/proc/stat');
  if (stat === undefined) return undefined;
  // cpu  user nice system idle iowait irq softirq steal guest guest_nice (guest is inside user).
  const [user, nice, system, , , irq, softirq, steal] = stat.slice(0, stat.indexOf('\n')).trim().split(/\s+/).slice(1).map(Number);
  return { cpuMicros: ticksToMicros(user! + nice! + system! + irq! + softirq! + (steal ?? 0)), atEpochMs: now() };
}

function readProcFile(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function now(): number {
  return performance.timeOrigin + performance.now();
}

function ticksToMicros(ticks: number): number {
  if (clockTicksPerSecond === undefined) {
    try {
      clockTicksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicksPerSecond = 100;
    }
  }
  return (ticks / clockTicksPerSecond) * 1e6;
}
