// What the in-process scripts of bench/micro share: bytes allocated and CPU per operation, as medians
// of 5 windows. Run the scripts with --expose-gc and semi-spaces large enough (256 MB) that no
// scavenge runs inside a window: the heap's growth over a window is then what its operations allocated.
import v8 from 'node:v8';

export const WINDOWS = 5;

export const heapUsed = () => v8.getHeapStatistics().used_heap_size;

/** Twice: the first full GC can leave what the second frees. */
export function collectGarbage() {
  globalThis.gc();
  globalThis.gc();
}

export const median = (values) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)];

/** Bytes allocated per operation in each window: `run()` performs `operations` of them. */
export async function bytesPerOperation(run, operations) {
  const windows = [];
  for (let w = 0; w < WINDOWS; w++) {
    collectGarbage();
    const before = heapUsed();
    await run();
    windows.push((heapUsed() - before) / operations);
  }
  return windows;
}

/** CPU µs (user + system) per operation in each window: `run()` performs `operations` of them. */
export async function cpuMicrosPerOperation(run, operations) {
  const windows = [];
  for (let w = 0; w < WINDOWS; w++) {
    const before = process.cpuUsage();
    await run();
    const used = process.cpuUsage(before);
    windows.push((used.user + used.system) / operations);
  }
  return windows;
}

/** The line each per-message script prints. */
export function perMessageReport(bytes, cpu, extra = {}) {
  return JSON.stringify({
    ...extra,
    bytesPerMessage: Math.round(median(bytes)),
    bytesAll: bytes.map(Math.round),
    cpuMicrosPerMessage: +median(cpu).toFixed(2),
    cpuAll: cpu.map((x) => +x.toFixed(2)),
  });
}
