import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const RAISED_MARK = 'BENCH_FD_LIMIT_RAISED';
/** Exit status of the wrapper shell when `ulimit -n` itself fails. */
const ULIMIT_FAILED = 97;

/** The soft limit on open files of this process, or undefined where /proc does not tell. */
export function openFilesLimit(): number | undefined {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const soft = line?.split(/\s{2,}/)[1];
    return soft === undefined ? undefined : soft === 'unlimited' ? Infinity : Number(soft);
  } catch {
    return undefined;
  }
}

/**
 * Node lifts its soft limit on open files to the hard limit at start-up, so a limit still below
 * `needed` is the hard one, which only a privileged shell can raise: the bench then runs itself again
 * under `sh -c 'ulimit -n ...'` and exits with that run's status (server children inherit the limit).
 * Returns a warning when the limit could not be raised; the run goes on, and scenarios that open
 * more connections than allowed fail visibly (EMFILE).
 */
export function ensureOpenFilesLimit(needed: number): string | undefined {
  const limit = openFilesLimit();
  if (limit === undefined || limit >= needed) return undefined;
  if (process.env[RAISED_MARK]) return `open files limit ${limit} is below the ${needed} needed`;
  const script = `ulimit -n ${needed} || exit ${ULIMIT_FAILED}; exec "$0" "$@"`;
  const result = spawnSync('sh', ['-c', script, process.execPath, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, [RAISED_MARK]: '1' },
  });
  if (result.status === ULIMIT_FAILED || result.error) return `open files limit ${limit} could not be raised to ${needed}`;
  process.exit(result.status ?? 1);
}
