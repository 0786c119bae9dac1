import { performance } from 'node:perf_hooks';
import { readMachineCpu, readProcessCpu, type CpuSample } from './process-cpu.js';
import type { ServerProcess } from './server-process.js';

export interface WindowMeasurement {
  readonly wallSeconds: number;
  /** Server CPU over the window: its CPU rate over its own reading interval × wallSeconds (NaN without a server process). */
  readonly serverCpuSeconds: number;
  /** CPU of the external broker process over the window (NaN without one, or where /proc does not tell). */
  readonly brokerCpuSeconds: number;
  /** CPU of this process (the generator) over the window: near wallSeconds means it was saturated. */
  readonly generatorCpuSeconds: number;
  /**
   * CPU that other processes of the machine used meanwhile (not server, generator or broker), in %
   * of one CPU (NaN without /proc). On a shared machine this is what makes a round's tail latency
   * or throughput an outlier.
   */
  readonly otherProcessesCpuPercent: number;
}

/**
 * Brackets a measured interval with server, broker, generator and whole-machine CPU readings.
 * `server` is absent when the bench started no server (clients talking to RabbitMQ directly);
 * `brokerPid` is the external broker's process, whose CPU is part of what is measured, not "other load".
 */
export async function openMeasurementWindow(server: ServerProcess | undefined, brokerPid?: number): Promise<() => Promise<WindowMeasurement>> {
  const serverStart = await server?.cpu();
  const brokerStart = brokerPid === undefined ? undefined : readProcessCpu(brokerPid);
  const machineStart = readMachineCpu();
  const ownStart = readProcessCpu(process.pid);
  const generatorStart = process.cpuUsage();
  const wallStart = performance.now();
  return async () => {
    const wallSeconds = (performance.now() - wallStart) / 1000;
    const generator = process.cpuUsage(generatorStart);
    const machineEnd = readMachineCpu();
    const ownEnd = readProcessCpu(process.pid);
    const brokerEnd = brokerPid === undefined ? undefined : readProcessCpu(brokerPid);
    const serverEnd = await server?.cpu();
    const serverCpuSeconds = serverStart && serverEnd ? rate(serverStart, serverEnd) * wallSeconds : NaN;
    const brokerCpuSeconds = brokerStart && brokerEnd ? rate(brokerStart, brokerEnd) * wallSeconds : NaN;
    const others =
      machineStart && machineEnd && ownStart && ownEnd
        ? rate(machineStart, machineEnd) * wallSeconds - (serverCpuSeconds || 0) - (brokerCpuSeconds || 0) - rate(ownStart, ownEnd) * wallSeconds
        : NaN;
    return {
      wallSeconds,
      serverCpuSeconds,
      brokerCpuSeconds,
      generatorCpuSeconds: (generator.user + generator.system) / 1e6,
      otherProcessesCpuPercent: Math.max(0, (100 * others) / wallSeconds),
    };
  };
}

/** CPU seconds per wall second between two samples, each taken on its own clock reading. */
function rate(start: CpuSample, end: CpuSample): number {
  return (end.cpuMicros - start.cpuMicros) / 1000 / (end.atEpochMs - start.atEpochMs);
}
