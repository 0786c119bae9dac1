import { STREAM_OFFSET_HEADER, type StreamOffset } from '../retention/stream-offset.js';
import type { NatsSession } from './jetstream-connection.js';
import { nextSequence, startOptions, StreamReader } from './jetstream-stream-reader.js';
import type { JetStreamSubjects } from './jetstream-subjects.js';

/** What topic readers feed: one subscription, or the live fan-out several share. */
export interface ReaderTarget {
  /** The destination or pattern read. */
  readonly destination: string;
  /** Holds a reader: stopped with the target, resumed after an outage (see NatsReaders). */
  addReader(stop: () => void, resume?: (session: NatsSession) => Promise<void>): void;
  /**
   * One message from NATS (its payload as NATS handed it: to be copied if kept); `headers` are added
   * to the message's own; `stream` and `sequence` say where a stream's message was stored.
   */
  receive(data: Uint8Array, headers: Record<string, string>, stream?: string, sequence?: number): void;
}

/**
 * Reading a topic destination or pattern from NATS: from a rule's stream (an ordered consumer per
 * stream) when a `retention` rule keeps it, from core NATS otherwise (a pattern: both).
 */
export class TopicReaders {
  constructor(
    private readonly subjects: JetStreamSubjects,
    /** The retention rules' streams, by rule index. */
    private readonly streams: readonly string[],
    /** Resolves once NATS answered a PING sent after everything before it (the broker's flush, with its timeout). */
    private readonly flush: (nc: NatsSession['nc']) => Promise<void>,
  ) {}

  /** Starts reading for `target`, from `offset` in streams; resolves once every reader is in place. */
  async read(session: NatsSession, target: ReaderTarget, pattern: boolean, offset: StreamOffset): Promise<void> {
    if (pattern) await this.readPattern(session, target, offset);
    else await this.readDestination(session, target, offset);
  }

  /**
   * Where reading from now (`next`) starts in each stream a destination or pattern is read from:
   * the stream's next sequence (none for a destination no rule keeps).
   */
  async nextPositions(session: NatsSession, destination: string, pattern: boolean): Promise<Map<string, number>> {
    const rules = pattern ? this.streams.map((_, rule) => rule) : [this.subjects.ruleIndexOf(destination)].filter((rule) => rule >= 0);
    const positions = new Map<string, number>();
    for (const rule of rules) positions.set(this.streams[rule]!, await nextSequence(session, this.streams[rule]!));
    return positions;
  }

  /** One destination: its rule's stream from the requested offset, or core NATS when it is not kept. */
  private async readDestination(session: NatsSession, target: ReaderTarget, offset: StreamOffset): Promise<void> {
    const rule = this.subjects.ruleIndexOf(target.destination);
    // Not retained: nothing to replay, the offset is ignored (README).
    if (rule < 0) await this.readCore(session, target, this.subjects.transientSubject(target.destination));
    else await this.readStream(session, target, rule, this.subjects.ruleSubject(target.destination, rule), offset, true);
  }

  /** A pattern: what it matches on core NATS, and in each rule's stream from the requested offset. */
  private async readPattern(session: NatsSession, target: ReaderTarget, offset: StreamOffset): Promise<void> {
    const { destination } = target;
    await this.readCore(session, target, this.subjects.transientPattern(destination));
    for (let rule = 0; rule < this.streams.length; rule++) {
      await this.readStream(session, target, rule, this.subjects.rulePattern(destination, rule), offset, false);
    }
  }

  private async readCore(session: NatsSession, target: ReaderTarget, subject: string): Promise<void> {
    const reader = session.nc.subscribe(subject, {
      callback: (error, msg) => {
        if (!error) target.receive(msg.data, {});
      },
    });
    target.addReader(() => reader.unsubscribe());
    // The server has the interest once the flush returns: what is published after the RECEIPT arrives.
    await this.flush(session.nc);
  }

  /**
   * A {@link StreamReader} of a rule's stream, from where `offset` says; resumed from the last
   * message it delivered whenever NATS comes back.
   */
  private async readStream(session: NatsSession, target: ReaderTarget, rule: number, subject: string, offset: StreamOffset, exact: boolean): Promise<void> {
    const stream = this.streams[rule]!;
    const options = await startOptions(session, stream, subject, offset, exact);
    const reader = new StreamReader(stream, options, (msg) => target.receive(msg.data, { [STREAM_OFFSET_HEADER]: String(msg.seq) }, stream, msg.seq));
    target.addReader(() => reader.stop(), (current) => reader.start(current));
    await reader.start(session);
  }
}
