import { MessageFrameTemplate } from '../../protocol/message-frame-template.js';
import type { DestinationPattern } from '../../protocol/destination-pattern.js';
import type { MessageIds } from '../../util/message-ids.js';
import type { BrokerMessage, BrokerSubscriber } from '../message-broker.js';
import type { NatsSession } from './jetstream-connection.js';
import { NatsReaders } from './jetstream-readers.js';

export type AckMode = 'auto' | 'client' | 'client-individual';

/** What an acknowledgement of one delivered message does in NATS (nothing, for a topic). */
export interface Settlement {
  ack(): void;
  nak(): void;
  /** Gives back a message whose subscriber has gone (see {@link JetStreamSubscription.end}). */
  giveBack(): void;
  /** A queue message that cannot be read (not one this library wrote): never to be redelivered. */
  term?(reason: string): void;
}

const NOTHING_TO_SETTLE: Settlement = { ack: () => undefined, nak: () => undefined, giveBack: () => undefined };

/**
 * One client subscription on the JetStream broker: the NATS readers feeding it (a core subscription,
 * ordered consumers, a queue's shared consumer, or its place in a live fan-out) and, in `client` and
 * `client-individual` modes, the messages it was sent and has not acknowledged, in delivery order.
 */
export class JetStreamSubscription {
  /** Unacknowledged deliveries by ack id, oldest first. */
  readonly pending = new Map<string, Settlement>();
  private readonly readers = new NatsReaders();

  constructor(
    readonly subscriber: BrokerSubscriber,
    readonly id: string,
    readonly destination: string,
    readonly ackMode: AckMode,
    /** Set for a pattern: NATS subjects can be wider than the pattern (`chat.*` within a segment). */
    private readonly matcher: DestinationPattern | undefined,
    private readonly ids: MessageIds,
    /** The session's ack ids: each one handed out is added, so that an ACK finds its subscription, and removed once forgotten. */
    private readonly ackIds: { add(ackId: string, subscription: JetStreamSubscription): void; delete(ackId: string): void; forget(ackId: string): void },
    /**
     * For a topic, most unacknowledged ids remembered (its ACK settles nothing in NATS): past it the
     * oldest counts as acknowledged, so a client that never acknowledges costs bounded memory. A
     * queue has none: JetStream bounds its unacknowledged messages (`max_ack_pending`).
     */
    private readonly rememberAtMost?: number,
  ) {}

  /** Whether it is a pattern subscription, counted against the pattern budgets. */
  get isPattern(): boolean {
    return this.matcher !== undefined;
  }

  get isEnded(): boolean {
    return this.readers.isStopped || this.subscriber.isClosed;
  }

  /**
   * A NATS reader this subscription holds; `stop` runs when it ends (at once if it already has),
   * `resume` when NATS is back after an outage (readers the NATS client restores itself have none).
   */
  addReader(stop: () => void, resume?: (session: NatsSession) => Promise<void>): void {
    this.readers.add(stop, resume);
  }

  resume(session: NatsSession): Promise<void> {
    return this.readers.resume(session);
  }

  /**
   * Writes one MESSAGE; `headers` are added to the message's own (`x-stream-offset`, `redelivered`).
   * `settlement`: what ACK and NACK do in NATS; in `auto` mode the message is acknowledged at once.
   * A delivery to an ended subscription gives a queue message back (NACK) for another subscriber.
   */
  deliver(message: BrokerMessage, headers: Readonly<Record<string, string>>, settlement: Settlement = NOTHING_TO_SETTLE): void {
    if (this.isEnded) {
      settlement.giveBack();
      return;
    }
    if (this.matcher && !this.matcher.matches(message.destination)) {
      settlement.ack();
      return;
    }
    const template = MessageFrameTemplate.forMessage({ destination: message.destination, headers: { ...message.headers, ...headers }, body: message.body });
    const messageId = this.ids.next();
    if (this.ackMode === 'auto') {
      this.subscriber.deliverMessage(template, this.id, messageId);
      settlement.ack();
      return;
    }
    this.pending.set(messageId, settlement);
    this.ackIds.add(messageId, this);
    if (this.rememberAtMost !== undefined && this.pending.size > this.rememberAtMost) {
      const [oldest] = this.pending.keys();
      this.pending.delete(oldest!);
      this.ackIds.forget(oldest!);
    }
    this.subscriber.deliverMessage(template, this.id, messageId, messageId);
  }

  /**
   * ACK or NACK of `ackId`: that message alone (`client-individual`), or it and every earlier one
   * still unacknowledged (`client`, cumulative as the STOMP specification says). Returns the ack ids settled.
   */
  settle(ackId: string, command: 'ACK' | 'NACK'): string[] {
    if (this.ackMode === 'client-individual') {
      const settlement = this.pending.get(ackId);
      if (!settlement) return [];
      this.pending.delete(ackId);
      if (command === 'ACK') settlement.ack();
      else settlement.nak();
      return [ackId];
    }
    if (!this.pending.has(ackId)) return [];
    const settled: string[] = [];
    for (const [id, settlement] of this.pending) {
      this.pending.delete(id);
      settled.push(id);
      if (command === 'ACK') settlement.ack();
      else settlement.nak();
      if (id === ackId) break;
    }
    return settled;
  }

  /** Stops the readers and gives every unacknowledged queue message back, to be redelivered. */
  end(): string[] {
    if (!this.readers.stop()) return [];
    const given = [...this.pending.keys()];
    for (const settlement of this.pending.values()) settlement.giveBack();
    this.pending.clear();
    return given;
  }
}
