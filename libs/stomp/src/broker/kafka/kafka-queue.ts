import type { Logger } from '@nestjs/common';
import type { Consumer, Message, MessagesStream } from '@platformatic/kafka';
import type { BrokerSubscriber } from '../message-broker.js';
import { templateOf } from './kafka-record.js';
import type { KafkaTopic } from './kafka-topics.js';

/** A subscription of this instance to a `/queue` destination. */
export interface QueueSubscription {
  readonly subscriber: BrokerSubscriber;
  readonly subscriptionId: string;
  /** `auto`: settled on delivery; `client`: an ACK settles that message and the earlier ones; `client-individual`: that one. */
  readonly ackMode: 'auto' | 'client' | 'client-individual';
}

interface Delivery {
  readonly message: Message;
  readonly subscription: QueueSubscription;
  readonly sequence: number;
}

/**
 * One `/queue` destination as this instance reads it: a member of the consumer group
 * `<groupId>.<topic>`, so that across every instance one member at a time reads the destination's
 * partition, from the group's committed offset. Each message goes to one of this instance's
 * subscribers in turn. The committed offset moves past a message once it is settled (on delivery,
 * or on ACK for client modes) and every earlier one too: Kafka keeps one position per group, not
 * one flag per message. A NACK, or a subscriber leaving with messages unacknowledged, hands them to
 * another subscriber; messages this instance held but never got settled are read again by whichever
 * member holds the partition next (at least once).
 */
export class KafkaQueue {
  private stream: MessagesStream<Buffer, Buffer, Buffer, Buffer> | undefined;
  private readonly subscriptions: QueueSubscription[] = [];
  private turn = 0;
  /** Read, not delivered (or given back), in offset order. */
  private waiting: Message[] = [];
  private readonly unacked = new Map<string, Delivery>();
  /** Offsets given back by a NACK or a leaving subscriber: their next delivery says `redelivered:true`. */
  private readonly givenBack = new Set<bigint>();
  /** Offsets read and not settled, in offset order (the first is where the group resumes). */
  private readonly outstanding = new Set<bigint>();
  private highest = -1n;
  private committed = -1n;
  private committing: Promise<void> = Promise.resolve();
  private sequence = 0;
  private paused = false;
  private closed = false;

  constructor(
    readonly topic: KafkaTopic,
    private readonly consumer: Consumer<Buffer, Buffer, Buffer, Buffer>,
    private readonly settings: { readonly maxUnackedPerQueue: number; readonly fetchMaxWait: number; readonly sessionTimeout: number },
    private readonly logger: Logger,
    /** The stream failed (Kafka went away): the broker drops this reader and makes a new one when needed. */
    private readonly failed: (queue: KafkaQueue, error: Error) => void,
  ) {}

  get isEmpty(): boolean {
    return this.subscriptions.length === 0;
  }

  /** Resolves once this instance's member joined the group (the rebalance that adds it is over). */
  get joined(): Promise<void> {
    return this.started;
  }

  private started: Promise<void> = new Promise(() => undefined);

  /** Joins the group; resolves once the stream is open (the partition may be assigned later). */
  start(): Promise<void> {
    this.started = this.open();
    return this.started;
  }

  private async open(): Promise<void> {
    this.stream = await this.consumer.consume({
      topics: [this.topic.name],
      mode: 'committed',
      // A queue keeps what was sent before anyone read it.
      fallbackMode: 'earliest',
      autocommit: false,
      maxWaitTime: this.settings.fetchMaxWait,
      sessionTimeout: this.settings.sessionTimeout,
      // How long a rebalance waits for the members to rejoin: a member that does not is left out.
      rebalanceTimeout: this.settings.sessionTimeout,
      heartbeatInterval: Math.max(100, Math.floor(this.settings.sessionTimeout / 10)),
    });
    this.stream.on('data', (message: Message) => this.received(message));
    this.stream.on('error', (error: Error) => {
      if (!this.closed) this.failed(this, error);
    });
    this.consumer.on('consumer:group:join', () => this.rejoined());
  }

  add(subscription: QueueSubscription): void {
    this.subscriptions.push(subscription);
    this.deliverWaiting();
  }

  /** Removes the subscriptions `matches` picks; their unacknowledged messages go to the others. */
  remove(matches: (subscription: QueueSubscription) => boolean): void {
    for (let i = this.subscriptions.length - 1; i >= 0; i--) if (matches(this.subscriptions[i]!)) this.subscriptions.splice(i, 1);
    const given: Message[] = [];
    for (const [id, delivery] of this.unacked) {
      if (!matches(delivery.subscription)) continue;
      this.unacked.delete(id);
      given.push(delivery.message);
    }
    this.giveBack(given);
  }

  /** An ACK or NACK naming `ackId` by `subscriber`; false when it names no delivery of this queue to it. */
  settle(subscriber: BrokerSubscriber, ackId: string, command: 'ACK' | 'NACK'): boolean {
    const delivery = this.unacked.get(ackId);
    if (!delivery || delivery.subscription.subscriber !== subscriber) return false;
    const settled =
      delivery.subscription.ackMode === 'client'
        ? [...this.unacked.entries()].filter(([, other]) => other.subscription === delivery.subscription && other.sequence <= delivery.sequence)
        : [[ackId, delivery] as const];
    for (const [id] of settled) this.unacked.delete(id);
    if (command === 'ACK') {
      for (const [, { message }] of settled) this.outstanding.delete(message.offset);
      this.commit();
      // Settled messages free room: a queue paused for too many unacknowledged ones reads again.
      this.flowControl();
    } else {
      this.giveBack(settled.map(([, { message }]) => message));
    }
    return true;
  }

  /** Leaves the group (what was not settled is read again by the next member); resolves once left. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.committing;
    await this.stream?.close().catch(() => undefined);
    await this.consumer.close().catch(() => undefined);
  }

  private received(message: Message): void {
    if (this.closed || message.offset <= this.highest) return;
    this.highest = message.offset;
    // Read again after a rebalance while still with a subscriber, unacknowledged.
    if (this.outstanding.has(message.offset)) return;
    this.outstanding.add(message.offset);
    this.waiting.push(message);
    this.deliverWaiting();
  }

  /** After a rebalance the stream reads from the committed offset again: what was held is dropped, not delivered twice by this instance. */
  private rejoined(): void {
    for (const message of this.waiting) this.outstanding.delete(message.offset);
    this.givenBack.clear();
    this.flowControl();
    this.waiting = [];
    this.highest = this.committed - 1n;
  }

  private giveBack(messages: Message[]): void {
    if (messages.length === 0) return;
    for (const message of messages) this.givenBack.add(message.offset);
    this.waiting = [...messages, ...this.waiting].sort((a, b) => (a.offset < b.offset ? -1 : a.offset > b.offset ? 1 : 0));
    this.deliverWaiting();
  }

  private deliverWaiting(): void {
    while (this.waiting.length > 0) {
      const subscription = this.nextSubscription();
      // Only sessions that ended and are not removed yet: the messages wait for a live subscriber.
      if (!subscription) break;
      const message = this.waiting.shift()!;
      const ackId = `${this.topic.name}@${message.offset}#${++this.sequence}`;
      if (subscription.ackMode === 'auto') this.outstanding.delete(message.offset);
      else this.unacked.set(ackId, { message, subscription, sequence: this.sequence });
      const redelivered = this.givenBack.delete(message.offset);
      subscription.subscriber.deliverMessage(templateOf(this.topic.destination, message, redelivered), subscription.subscriptionId, ackId, ackId);
    }
    this.commit();
    this.flowControl();
  }

  /** The next live subscriber in turn; `undefined` when none is (sessions that ended are skipped). */
  private nextSubscription(): QueueSubscription | undefined {
    for (let i = 0; i < this.subscriptions.length; i++) {
      const subscription = this.subscriptions[this.turn++ % this.subscriptions.length]!;
      if (!subscription.subscriber.isClosed) return subscription;
    }
    return undefined;
  }

  /** Stops reading while too many messages are held, so a slow consumer does not fill the memory. */
  private flowControl(): void {
    const held = this.waiting.length + this.unacked.size;
    if (!this.paused && held >= this.settings.maxUnackedPerQueue) {
      this.paused = true;
      this.stream?.pause();
    } else if (this.paused && held < this.settings.maxUnackedPerQueue / 2) {
      this.paused = false;
      this.stream?.resume();
    }
  }

  /** Moves the group's offset to the first message not settled, one commit at a time. */
  private commit(): void {
    // Nothing read yet: the group's offset is whatever it was, and committing would move it back.
    if (this.highest < 0n) return;
    const first = this.outstanding.values().next();
    const point = first.done ? this.highest + 1n : first.value;
    if (point <= this.committed || this.closed) return;
    this.committed = point;
    this.committing = this.committing
      .then(() => this.consumer.commit({ offsets: [{ topic: this.topic.name, partition: 0, offset: point, leaderEpoch: -1 }] }))
      .catch((error: Error) => this.logger.warn(`Kafka queue '${this.topic.destination}': committing offset ${point} failed (${error.message}); the messages before it may be delivered again`));
  }
}
