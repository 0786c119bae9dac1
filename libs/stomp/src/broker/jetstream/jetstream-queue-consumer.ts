import { createHash } from 'node:crypto';
import type { NatsSession } from './jetstream-connection.js';
import type { JetStreamSettings } from './jetstream-settings.js';

const NANOS_PER_MS = 1_000_000;

/** The durable consumer of one queue subject: a digest, since consumer names may not hold `.`, `*` or `>`. */
export function queueConsumerName(subject: string): string {
  return `q_${createHash('sha256').update(subject).digest('hex').slice(0, 40)}`;
}

/**
 * Makes the queue's durable push consumer, or brings it to the settings: explicit acknowledgement
 * within `ackWait`, at most `prefetch` unacknowledged, delivering to a NATS queue group of the same
 * name on `<subjectPrefix>.deliver.<name>`, which every subscriber of the queue joins. (A pull
 * consumer would not do: a pull request outlives the subscriber that made it, and JetStream would
 * hand a NACKed message to a subscriber already gone.)
 */
export async function ensureQueueConsumer(session: NatsSession, stream: string, durable: string, subject: string, settings: JetStreamSettings): Promise<void> {
  const config = {
    durable_name: durable,
    filter_subject: subject,
    deliver_subject: `${settings.subjectPrefix}.deliver.${durable}`,
    deliver_group: durable,
    deliver_policy: 'all' as const,
    ack_policy: 'explicit' as const,
    ack_wait: settings.ackWait * NANOS_PER_MS,
    max_ack_pending: settings.prefetch,
    // A queue nobody subscribes to for `queueMaxAge` loses its consumer (its messages are dropped
    // by then anyway): clients subscribing to ever new queue names cannot pile consumers up.
    inactive_threshold: settings.queueMaxAge * NANOS_PER_MS,
  };
  const existing = await session.jsm.consumers.info(stream, durable).catch((error: Error) => {
    if (error.name === 'ConsumerNotFoundError' || /consumer not found/i.test(error.message)) return undefined;
    throw error;
  });
  if (!existing) {
    // Two instances may make it at once: the same configuration twice is no error.
    await session.jsm.consumers.add(stream, config);
  } else if (
    existing.config.ack_wait !== config.ack_wait ||
    existing.config.max_ack_pending !== config.max_ack_pending ||
    existing.config.inactive_threshold !== config.inactive_threshold
  ) {
    await session.jsm.consumers.update(stream, durable, {
      ack_wait: config.ack_wait,
      max_ack_pending: config.max_ack_pending,
      inactive_threshold: config.inactive_threshold,
    });
  }
}
