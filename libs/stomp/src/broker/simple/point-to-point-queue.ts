import { StompProtocolError } from '../../errors/stomp-protocol.error.js';
import type { HeldBytes } from './held-bytes.js';
import type { HeldMessage } from './held-message.js';
import type { QueueOverflow } from './queue-settings.js';
import { isReady, type Subscription, type WaitingMessages } from './subscription-state.js';

export interface QueueLimits {
  readonly maxQueuedMessages: number;
  readonly queueOverflow: QueueOverflow;
}

/** What a queue needs from the broker: writing one message to one consumer, and being told of drops. */
export interface QueueOutlet {
  deliver(subscription: Subscription, message: HeldMessage): void;
  dropped(destination: string, why: string): void;
}

/**
 * One point-to-point destination: each message goes to exactly one consumer, round robin among
 * the ready ones (a consumer past its `prefetch-count` is skipped). With no ready consumer the
 * message waits, in order, within `maxQueuedMessages` and the broker's `maxQueuedBytes`; past
 * them the overflow policy drops the oldest message or refuses the new one (RabbitMQ's
 * `drop-head` and `reject-publish`). Also the backlog of one client-acknowledged topic
 * subscription, with that subscription as its only consumer.
 */
export class PointToPointQueue implements WaitingMessages {
  /** Rotation order: a consumer served goes to the end. */
  private readonly consumers = new Set<Subscription>();
  private readonly waiting: HeldMessage[] = [];
  /** Index of the oldest waiting message: taking one does not shift the array. */
  private head = 0;

  constructor(
    readonly destination: string,
    private readonly limits: QueueLimits,
    private readonly held: HeldBytes,
    private readonly outlet: QueueOutlet,
  ) {}

  get waitingCount(): number {
    return this.waiting.length - this.head;
  }

  /** No consumer and nothing waiting: the broker forgets it. */
  get isIdle(): boolean {
    return this.consumers.size === 0 && this.waitingCount === 0;
  }

  addConsumer(subscription: Subscription): void {
    this.consumers.add(subscription);
    this.drain();
  }

  removeConsumer(subscription: Subscription): void {
    this.consumers.delete(subscription);
  }

  /**
   * A new message: to the next ready consumer, or to wait (the overflow policy deciding when full).
   * A client-acknowledged consumer holds what it is sent until it acknowledges, so that delivery
   * needs room under `maxQueuedBytes` too: the bound is on everything the broker holds.
   */
  offer(message: HeldMessage): void {
    if (this.waitingCount === 0) {
      const consumer = this.nextReady();
      if (consumer && (consumer.unacknowledged === undefined || this.held.fits(message.size))) return this.outlet.deliver(consumer, message);
    }
    if (!this.makeRoomFor(message)) return;
    this.waiting.push(message);
    this.held.add(message.size);
    this.drain();
  }

  /** Messages given back (NACKed, or unacknowledged by a consumer that left): first in line, in their order. */
  requeue(messages: readonly HeldMessage[]): void {
    if (messages.length === 0) return;
    const rest = this.waiting.slice(this.head);
    this.waiting.length = 0;
    this.head = 0;
    this.waiting.push(...messages, ...rest);
    for (const message of messages) this.held.add(message.size);
    this.drain();
  }

  /** Delivers waiting messages while a consumer is ready. */
  drain(): void {
    while (this.waitingCount > 0) {
      const consumer = this.nextReady();
      if (!consumer) return;
      this.outlet.deliver(consumer, this.take());
    }
  }

  /** Drops everything waiting (a topic subscription's backlog, when the subscription ends). */
  clear(): void {
    while (this.waitingCount > 0) this.take();
  }

  private take(): HeldMessage {
    const message = this.waiting[this.head]!;
    this.waiting[this.head++] = undefined as never;
    if (this.head === this.waiting.length) {
      this.waiting.length = 0;
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.waiting.length) {
      this.waiting.splice(0, this.head);
      this.head = 0;
    }
    this.held.release(message.size);
    return message;
  }

  /** Whether `message` may wait; drops the oldest waiting ones, or refuses, as the policy says. */
  private makeRoomFor(message: HeldMessage): boolean {
    const { maxQueuedMessages, queueOverflow } = this.limits;
    const full = () => this.waitingCount >= maxQueuedMessages || !this.held.fits(message.size);
    if (!full()) return true;
    if (queueOverflow === 'reject-publish') throw this.refusal(message);
    while (full() && this.waitingCount > 0) {
      const why = this.waitingCount >= maxQueuedMessages ? 'maxQueuedMessages' : 'maxQueuedBytes';
      this.take();
      this.outlet.dropped(this.destination, `the oldest waiting one, as the queue was full (option ${why})`);
    }
    if (!full()) return true;
    this.outlet.dropped(this.destination, 'the new one, as other queues hold all of option maxQueuedBytes');
    return false;
  }

  private refusal(message: HeldMessage): StompProtocolError {
    const { maxQueuedMessages } = this.limits;
    const why =
      this.waitingCount >= maxQueuedMessages
        ? `the queue holds its limit of ${maxQueuedMessages} messages waiting for a ready consumer (option maxQueuedMessages)`
        : `queues hold their limit of ${this.held.max} bytes (option maxQueuedBytes; this message needs ${message.size})`;
    return new StompProtocolError('STOMP_ERR_QUEUE_FULL', `Message to '${this.destination}' refused: ${why}, and option queueOverflow is 'reject-publish'`);
  }

  private nextReady(): Subscription | undefined {
    for (const consumer of this.consumers) {
      if (!isReady(consumer)) continue;
      this.consumers.delete(consumer);
      this.consumers.add(consumer);
      return consumer;
    }
    return undefined;
  }
}
