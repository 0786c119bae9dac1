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
