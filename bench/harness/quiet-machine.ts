import { readMachineCpu, readProcessCpu } from './process-cpu.js';

const SAMPLE_MS = 500;

export interface QuietWait {
  readonly waitedSeconds: number;
  /** CPU other processes used in the last sample, in % of one CPU (NaN without /proc). */
  readonly otherProcessesCpuPercent: number;
}

/**
 * Waits, at most `maxSeconds`, until processes outside the bench use less than `thresholdPercent` of
 * one CPU over half a second. On a shared machine a run that starts amid someone's test suite
 * measures that suite; the same rule holds for every server, and "other load" in the report still
 * shows what happened during the measurement itself.
 */
export async function waitForQuietMachine(maxSeconds: number, thresholdPercent: number): Promise<QuietWait> {
  const started = Date.now();
  for (;;) {
    const otherProcessesCpuPercent = await sampleOtherLoad();
    const waitedSeconds = (Date.now() - started) / 1000;
    if (!(otherProcessesCpuPercent >= thresholdPercent) || waitedSeconds >= maxSeconds) return { waitedSeconds, otherProcessesCpuPercent };
  }
}

async function sampleOtherLoad(): Promise<number> {
  const machineStart = readMachineCpu();
  const ownStart = readProcessCpu(process.pid);
  await new Promise((resolve) => setTimeout(resolve, SAMPLE_MS));
  const machineEnd = readMachineCpu();
  const ownEnd = readProcessCpu(process.pid);
  if (!machineStart || !machineEnd || !ownStart || !ownEnd) return NaN;
  const otherMicros = machineEnd.cpuMicros - machineStart.cpuMicros - (ownEnd.cpuMicros - ownStart.cpuMicros);
  return Math.max(0, (100 * otherMicros) / 1000 / (machineEnd.atEpochMs - machineStart.atEpochMs));
}
