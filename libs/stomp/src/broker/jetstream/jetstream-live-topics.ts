import { DestinationPattern } from '../../protocol/destination-pattern.js';
import { MessageFrameTemplate } from '../../protocol/message-frame-template.js';
import type { MessageIds } from '../../util/message-ids.js';
import type { StompLogger } from '../../util/stomp-logger.js';
import type { BrokerMessage } from '../message-broker.js';
import type { StreamOffset } from '../retention/stream-offset.js';
import type { NatsSession } from './jetstream-connection.js';
import { LateStart } from './jetstream-late-start.js';
import { NatsReaders } from './jetstream-readers.js';
import type { AckMode, JetStreamSubscription } from './jetstream-subscription.js';
import type { ReaderTarget } from './jetstream-topic-readers.js';

/** Whether a topic subscription shares its destination's readers: `auto` mode, reading from now. */
export function readsLive(ackMode: AckMode, offset: StreamOffset): boolean {
  return ackMode === 'auto' && offset.kind === 'next';
}

/**
 * The NATS readers of one destination (or pattern) and the live subscriptions of this instance
 * they feed. Each message is decoded once and written to every subscriber from one
 * {@link MessageFrameTemplate} with one `message-id`, so subscribers alike share its bytes.
 */
class LiveFanOut implements ReaderTarget {
  /** The subscribers, with the check of those that joined readers already made (see {@link LateStart}). */
  readonly members = new Map<JetStreamSubscription, LateStart | undefined>();
  readonly readers = new NatsReaders();
  /** Settles once the readers are in place (or could not be made). */
  opened: Promise<void> = Promise.resolve();
  private readonly matcher: DestinationPattern | undefined;

  constructor(
    readonly destination: string,
    pattern: boolean,
    separator: '/' | '.',
    private readonly ids: MessageIds,
    private readonly decode: (data: Buffer) => BrokerMessage,
    private readonly logger: StompLogger,
  ) {
    // NATS subjects can be wider than the pattern (`chat.*` within a segment).
    this.matcher = pattern ? new DestinationPattern(destination, separator) : undefined;
  }

  addReader(stop: () => void, resume?: (session: NatsSession) => Promise<void>): void {
    this.readers.add(stop, resume);
  }

  /** Runs in the NATS client's dispatch: nothing may be thrown back into it. */
  receive(data: Uint8Array, headers: Record<string, string>, stream?: string, sequence?: number): void {
    let template: MessageFrameTemplate;
    try {
      // A copy: the client may reuse its read buffer, and a MESSAGE can wait in a slow session's queue.
      const message = this.decode(Buffer.from(data));
      if (this.matcher && !this.matcher.matches(message.destination)) return;
      template = MessageFrameTemplate.forMessage({ destination: message.destination, headers: { ...message.headers, ...headers }, body: message.body });
    } catch (error) {
      this.logger.error(`Dropped a message from NATS for '${this.destination}': ${(error as Error).message}`, (error as Error).stack);
      return;
    }
    // One id for every subscriber (STOMP asks no more, and nothing acknowledges it), so alike ones share one frame.
    const messageId = this.ids.next();
    for (const [member, late] of this.members) {
      if (late === undefined) this.write(member, template, messageId);
      else {
        late.offer(template, messageId, stream, sequence);
        if (late.done) this.members.set(member, undefined);
      }
    }
  }

  write(member: JetStreamSubscription, template: MessageFrameTemplate, messageId: string): void {
    if (member.isEnded) return;
    try {
      member.subscriber.deliverMessage(template, member.id, messageId);
    } catch (error) {
      this.logger.error(`Could not deliver a message of '${this.destination}' to session ${member.subscriber.id}: ${(error as Error).message}`, (error as Error).stack);
    }
  }
}

/**
 * The live topic subscriptions of this instance, shared per destination (or pattern): those in
 * `auto` mode reading from now (no `x-stream-offset`, or `next`). The first subscriber of a
 * destination opens its readers (a core NATS subscription, an ordered consumer per stream), the
 * ones that come while they are being made wait for the same opening, and the last one to go stops
 * them. Without this, NATS would send the instance each message once per subscription and the
 * instance would parse every copy (README "Benchmarks", (g)). Replays, client acknowledgement and
 * queues keep readers of their own.
 */
export class LiveTopics {
  private readonly fanOuts = new Map<string, LiveFanOut>();

  constructor(
    private readonly separator: '/' | '.',
    private readonly ids: MessageIds,
    private readonly decode: (data: Buffer) => BrokerMessage,
    private readonly logger: StompLogger,
    /** Makes the readers of a destination (or pattern) for `target`, reading from now. */
    private readonly open: (session: NatsSession, target: ReaderTarget, pattern: boolean) => Promise<void>,
    /** Where reading from now starts in each stream the destination (or pattern) is read from. */
    private readonly positions: (session: NatsSession, destination: string, pattern: boolean) => Promise<Map<string, number>>,
  ) {}

  /** Destinations and patterns with readers open (or being opened) on this instance. */
  get size(): number {
    return this.fanOuts.size;
  }

  /**
   * Adds `subscription` to its destination's fan-out, opening it when it is the first; resolves once
   * the readers are in place, rejects (for every subscriber waiting) when they cannot be made.
   */
  async join(session: NatsSession, subscription: JetStreamSubscription): Promise<void> {
    const { destination } = subscription;
    const existing = this.fanOuts.get(destination);
    const fanOut = existing ?? this.opening(session, subscription);
    // The first subscriber's readers start where it subscribed; a later one starts where it did.
    const late = existing && new LateStart((template, messageId) => fanOut.write(subscription, template, messageId));
    fanOut.members.set(subscription, late);
    // Its end (UNSUBSCRIBE, the session's end, a SUBSCRIBE that failed) is its leaving.
    subscription.addReader(() => this.leave(fanOut, subscription));
    if (!late) return fanOut.opened;
    await Promise.all([fanOut.opened, this.positions(session, destination, subscription.isPattern).then((starts) => late.begin(starts))]);
    if (late.done && fanOut.members.get(subscription) === late) fanOut.members.set(subscription, undefined);
  }

  private opening(session: NatsSession, first: JetStreamSubscription): LiveFanOut {
    const fanOut = new LiveFanOut(first.destination, first.isPattern, this.separator, this.ids, this.decode, this.logger);
    this.fanOuts.set(first.destination, fanOut);
    fanOut.opened = this.open(session, fanOut, first.isPattern).catch((error: unknown) => {
      this.close(fanOut);
      throw error;
    });
    return fanOut;
  }

  /** After an outage: each fan-out's ordered consumers go on right after the last message they delivered. */
  resume(session: NatsSession): void {
    for (const fanOut of this.fanOuts.values()) {
      fanOut.readers.resume(session).catch((error: Error) => {
        this.logger.error(`Could not resume the subscriptions to '${fanOut.destination}' after NATS came back: ${error.message}`);
        for (const member of fanOut.members.keys()) {
          member.subscriber.brokerLost(`the JetStream broker could not resume the subscription to '${fanOut.destination}' (${error.message})`);
        }
      });
    }
  }

  private leave(fanOut: LiveFanOut, subscription: JetStreamSubscription): void {
    fanOut.members.delete(subscription);
    if (fanOut.members.size === 0) this.close(fanOut);
  }

  private close(fanOut: LiveFanOut): void {
    // A fan-out whose opening failed may have been replaced by a new subscriber's since.
    if (this.fanOuts.get(fanOut.destination) === fanOut) this.fanOuts.delete(fanOut.destination);
    fanOut.readers.stop();
  }
}
