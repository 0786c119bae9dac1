import { createHash } from 'node:crypto';
import type { JsMsg } from '@nats-io/jetstream';
import type { NatsSession } from './jetstream-connection.js';
import type { JetStreamSettings } from './jetstream-settings.js';
import type { Settlement } from './jetstream-subscription.js';

const NANOS_PER_MS = 1_000_000;

/**
 * A message whose subscriber has gone is NACKed with this delay rather than none: JetStream (2.9)
 * redelivers a message NACKed without delay at once, to the queue group as it then is, and when
 * the departing subscriber was its only member the message would wait a whole `ackWait`; after a
 * delay it goes to whoever is subscribed by then.
 */
const GIVE_BACK_DELAY_MS = 200;

/** The subscription a queue's reader is held by: it stops the reader when it ends, resumes it after an outage. */
export interface QueueReaderOwner {
  addReader(stop: () => void, resume?: (session: NatsSession) => Promise<void>): void;
}

/**
 * Subscriptions to queues: each reads the queue's durable push consumer, delivering to a NATS queue
 * group that every subscriber of the queue on every instance joins, so NATS gives each message to one.
 */
export class QueueReaders {
  /** Queue consumers known to exist on the current connection. */
  private readonly known = new Set<string>();

  constructor(
    /** The queues' stream. */
    private readonly stream: string,
    private readonly settings: JetStreamSettings,
    private readonly flush: (nc: NatsSession['nc']) => Promise<void>,
  ) {}

  /** After a (re)connection: a server restarted without its store lost the queues' consumers too. */
  forgetConsumers(): void {
    this.known.clear();
  }

  /**
   * Starts reading queue `subject` for `owner`, handing each message to `receive` (its payload as NATS
   * handed it, `redelivered` when it is); resolves once NATS has the interest.
   */
  async read(session: NatsSession, subject: string, owner: QueueReaderOwner, receive: (data: Uint8Array, headers: Record<string, string>, settlement: Settlement) => void): Promise<void> {
    const durable = queueConsumerName(subject);
    const ensure = (current: NatsSession) => ensureQueueConsumer(current, this.stream, durable, subject, this.settings);
    if (!this.known.has(durable)) {
      await ensure(session);
      this.known.add(durable);
    }
    const consumer = await session.js.consumers.getPushConsumer(this.stream, durable).catch(async () => {
      // The server deletes a consumer left without subscribers for queueMaxAge: make it again.
      await ensure(session);
      return session.js.consumers.getPushConsumer(this.stream, durable);
    });
    const messages = await consumer.consume({
      callback: (msg: JsMsg) => {
        const settlement: Settlement = {
          ack: () => msg.ack(),
          nak: () => msg.nak(),
          giveBack: () => msg.nak(GIVE_BACK_DELAY_MS),
          term: (reason) => msg.term(reason),
        };
        receive(msg.data, msg.info.redelivered ? { redelivered: 'true' } : {}, settlement);
      },
    });
    // The client subscribes to the delivery subject again by itself after a reconnection; a server
    // that restarted without its store needs the consumer made again.
    owner.addReader(() => messages.stop(), ensure);
    await this.flush(session.nc);
  }
}

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
