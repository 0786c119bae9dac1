import type { JsMsg, OrderedConsumerOptions } from '@nats-io/jetstream';
import type { StreamOffset } from '../retention/stream-offset.js';
import type { NatsSession } from './jetstream-connection.js';

/**
 * Where an ordered consumer of `subject` in `stream` starts, for a subscription's `x-stream-offset`:
 * `first` all, `offset=<n>` stream sequence n (sequences start at 1), `timestamp=` a start time,
 * `last` the destination's last message, `next` the stream's last sequence + 1. `last` and `next`
 * are turned into a sequence before the consumer exists, so that a message stored while it is made
 * is neither missed nor replayed twice. A pattern (`exact` false) takes `last` per destination.
 */
export async function startOptions(session: NatsSession, stream: string, subject: string, offset: StreamOffset, exact: boolean): Promise<Partial<OrderedConsumerOptions>> {
  const filter = { filter_subjects: subject };
  switch (offset.kind) {
    case 'first':
      return { ...filter, deliver_policy: 'all' };
    case 'offset':
      return { ...filter, deliver_policy: 'by_start_sequence', opt_start_seq: Math.max(1, offset.offset) };
    case 'timestamp':
      return { ...filter, opt_start_time: new Date(offset.timestamp).toISOString() };
    case 'last': {
      if (!exact) return { ...filter, deliver_policy: 'last_per_subject' };
      const last = await session.jsm.streams.getMessage(stream, { last_by_subj: subject }).catch(() => null);
      return { ...filter, deliver_policy: 'by_start_sequence', opt_start_seq: last?.seq ?? (await nextSequence(session, stream)) };
    }
    case 'next':
      return { ...filter, deliver_policy: 'by_start_sequence', opt_start_seq: await nextSequence(session, stream) };
  }
}

/** The sequence the next message stored in `stream` will have. */
export async function nextSequence(session: NatsSession, stream: string): Promise<number> {
  const info = await session.jsm.streams.info(stream);
  return info.state.last_seq + 1;
}

/**
 * One subscription's reading of one stream: a JetStream ordered consumer (in order, no
 * acknowledgements), filtered to the subscription's subject. The reader remembers the last stream
 * sequence it delivered, so that after a reconnection (or a restart of the NATS server, which
 * forgets ordered consumers) {@link resume} goes on right after it: nothing missed, nothing twice.
 * The NATS client would recreate the consumer itself, but only once its heart-beats are missed, and
 * it gives up on a consumer that had delivered nothing when the server stays away long.
 */
export class StreamReader {
  private lastSequence = 0;
  private running: { stop(): void } | undefined;
  private stopped = false;
  private generation = 0;

  constructor(
    private readonly stream: string,
    /** Where the first consumer starts (deliver policy, start sequence or time) and its filter subject. */
    private readonly initial: Partial<OrderedConsumerOptions>,
    private readonly deliver: (msg: JsMsg) => void,
  ) {}

  /** Creates the consumer: from the initial position, or right after the last message delivered. */
  async start(session: NatsSession): Promise<void> {
    this.stopCurrent();
    const generation = ++this.generation;
    const options: Partial<OrderedConsumerOptions> =
      this.lastSequence === 0
        ? this.initial
        : { filter_subjects: this.initial.filter_subjects!, deliver_policy: 'by_start_sequence', opt_start_seq: this.lastSequence + 1 };
    const consumer = await session.js.consumers.get(this.stream, { ...options });
    const messages = await consumer.consume({
      callback: (msg: JsMsg) => {
        // A consumer replaced meanwhile may still hand over what it had: only the current one counts.
        if (generation !== this.generation || msg.seq <= this.lastSequence) return;
        this.lastSequence = msg.seq;
        this.deliver(msg);
      },
    });
    this.running = {
      stop: () => {
        messages.stop();
        void consumer.delete().catch(() => undefined);
      },
    };
    if (this.stopped) this.stopCurrent();
  }

  stop(): void {
    this.stopped = true;
    this.stopCurrent();
  }

  private stopCurrent(): void {
    this.generation++;
    this.running?.stop();
    this.running = undefined;
  }
}
