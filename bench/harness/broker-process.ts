import { execFileSync } from 'node:child_process';

/**
 * The pid of the RabbitMQ node (the `beam.smp` started with `-s rabbit boot`), or of the oldest
 * beam.smp when no command line says rabbit; undefined when there is none or pgrep is missing.
 * rabbitmqctl runs short-lived beam.smp processes of its own, hence the preference.
 */
export function rabbitMqPid(): number | undefined {
  for (const pattern of ['beam\\.smp.*rabbit boot', 'beam\\.smp']) {
    try {
      const pid = Number(execFileSync('pgrep', ['-o', '-f', pattern], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
      if (Number.isInteger(pid) && pid > 0) return pid;
    } catch {
      // pgrep exits with 1 when nothing matches.
    }
  }
  return undefined;
}

/**
 * The pid of the process listening on 127.0.0.1:`port` (the shared Redis or NATS of (g)), read from
 * `ss -ltnp`; undefined when ss is missing or does not show it (another user's process).
 */
export function listeningPid(port: number): number | undefined {
  try {
    const lines = execFileSync('ss', ['-ltnpH', `sport = :${port}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const pid = Number(/pid=(\d+)/.exec(lines)?.[1]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}
