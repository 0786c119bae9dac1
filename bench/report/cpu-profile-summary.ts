import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

/** The parts of a V8 .cpuprofile (as `node --cpu-prof` writes it) that a summary needs. */
interface CpuProfile {
  readonly nodes: ReadonlyArray<{
    readonly id: number;
    readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  }>;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface ProfileEntry {
  readonly functionName: string;
  readonly location: string;
  readonly selfMs: number;
  readonly percentOfBusy: number;
}

export interface ProfileSummary {
  readonly file: string;
  readonly totalMs: number;
  readonly idlePercent: number;
  readonly top: readonly ProfileEntry[];
}

/** Self time per function (summed over the call sites V8 keeps apart), largest first. */
export function summarizeCpuProfile(path: string, limit = 20): ProfileSummary {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const keyOfNode = new Map<number, string>();
  const frames = new Map<string, { functionName: string; location: string }>();
  for (const { id, callFrame } of profile.nodes) {
    const location = callFrame.url ? `${shortenUrl(callFrame.url)}:${callFrame.lineNumber + 1}` : '';
    const functionName = callFrame.functionName || '(anonymous)';
    const key = `${functionName}@${location}`;
    keyOfNode.set(id, key);
    frames.set(key, { functionName, location });
  }
  // timeDeltas[i] is the time since the sample before i: it is charged to sample i.
  const selfMicros = new Map<string, number>();
  let totalMicros = 0;
  profile.samples.forEach((nodeId, i) => {
    const key = keyOfNode.get(nodeId)!;
    const delta = Math.max(0, profile.timeDeltas[i] ?? 0);
    selfMicros.set(key, (selfMicros.get(key) ?? 0) + delta);
    totalMicros += delta;
  });
  const idleMicros = [...selfMicros].filter(([key]) => key.startsWith('(idle)')).reduce((sum, [, us]) => sum + us, 0);
  const busyMicros = Math.max(1, totalMicros - idleMicros);
  const top = [...selfMicros]
    .filter(([key]) => !key.startsWith('(idle)'))
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([key, micros]) => ({ ...frames.get(key)!, selfMs: micros / 1000, percentOfBusy: (100 * micros) / busyMicros }));
  return { file: basename(path), totalMs: totalMicros / 1000, idlePercent: (100 * idleMicros) / Math.max(1, totalMicros), top };
}

/** `file:///…/node_modules/ws/lib/sender.js` → `ws/lib/sender.js`; library paths from `libs/`. */
function shortenUrl(url: string): string {
  const path = url.replace(/^file:\/\//, '');
  const nodeModules = path.lastIndexOf('/node_modules/');
  if (nodeModules !== -1) return path.slice(nodeModules + '/node_modules/'.length);
  const libs = path.indexOf('/libs/');
  if (libs !== -1) return path.slice(libs + 1);
  const bench = path.indexOf('/bench/');
  return bench !== -1 ? path.slice(bench + 1) : path;
}
