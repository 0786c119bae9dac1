import { StompProtocolError } from '../../errors/stomp-protocol.error.js';
import { MessageFrameTemplate } from '../../protocol/message-frame-template.js';
import type { StompHeaders } from '../../protocol/stomp-frame.js';
import { MessageIds } from '../../util/message-ids.js';
import { StompLogger } from '../../util/stomp-logger.js';
import type { BrokerMessage, BrokerSubscriber, MessageBroker } from '../message-broker.js';
import { STREAM_OFFSET_HEADER } from '../retention/stream-offset.js';
import { ClientAcknowledgements } from './client-acknowledgements.js';
import { HeldBytes } from './held-bytes.js';
import { HeldMessage } from './held-message.js';
import type { MessageHistory } from './message-history.js';
import { checkPatternBudgets, PATTERN_SUBSCRIPTION_DEFAULTS, type PatternSubscriptionLimits } from './pattern-budget.js';
import { PatternIndex } from './pattern-index.js';
import { PointToPointQueues } from './point-to-point-queues.js';
import { QUEUE_DEFAULTS, type QueueSettings } from './queue-settings.js';
import { subscriptionAck } from './subscription-ack.js';
import type { Subscription } from './subscription-state.js';
import { checkSubscriptionPattern, isPattern } from './subscription-pattern.js';

interface PatternGroup {
  /** Creation order: a publish delivers to matching patterns in the order they were first subscribed. */
  readonly order: number;
  readonly subscriptions: Set<Subscription>;
}

interface SubscriberState {
  readonly subscriptions: Map<string, Subscription>;
  patterns: number;
}

/** Which destinations are streams (kept in a log, read by every subscriber) rather than point-to-point queues. */
export interface RetainedDestinations {
  retains(destination: string): boolean;
}

/** The embedded broker's limits and queue settings (the module options of the same names). */
export type SimpleBrokerSettings = PatternSubscriptionLimits & QueueSettings;

const NO_GROUPS: readonly PatternGroup[] = [];

/**
 * The embedded in-memory broker. Topics fan out: every matching subscription gets each message.
 * An exact destination is one map lookup; patterns sit in a {@link PatternIndex}, so a publish
 * looks only at the patterns its destination's segments lead to (issue 11). Pattern subscriptions
 * are bounded per session and in total.
 *
 * Destinations under `queuePrefixes` (`/queue`) are point-to-point, as on RabbitMQ: each message
 * goes to one consumer, round robin, or waits in a bounded queue (see {@link PointToPointQueues}).
 * Subscriptions in `client` / `client-individual` mode get a `message-id` (and 1.2 `ack`) of their
 * own per delivery and at most `prefetch-count` unacknowledged messages; NACKed or left
 * unacknowledged by a consumer that goes, a queue's messages go to another consumer with
 * `redelivered:true`, a topic's are dropped.
 *
 * A publish delivers synchronously, so every session receives messages in publish order: exact
 * subscriptions first, then patterns in the order they were first subscribed. An `auto` topic
 * subscription shares one encoded MESSAGE with every other (the fan-out's fast path).
 *
 * With a {@link MessageHistory}, retained topic destinations are kept and replayed
 * (`x-stream-offset`): a SUBSCRIBE replays and registers in one synchronous step, so no publish
 * falls between the two. A destination under a queue prefix that `retention` keeps is a stream,
 * not a point-to-point queue: every subscriber reads it (RabbitMQ's stream queues).
 */
export class SimpleBroker implements MessageBroker {
  private readonly exact = new Map<string, Set<Subscription>>();
  private readonly patterns = new Map<string, PatternGroup>();
  private readonly patternIndex: PatternIndex<PatternGroup>;
  /** Where `matchingGroups` collects; empty between publishes. */
  private readonly matchedGroups: PatternGroup[] = [];
  private readonly bySubscriber = new Map<BrokerSubscriber, SubscriberState>();
  private readonly messageIds = new MessageIds();
  private readonly settings: SimpleBrokerSettings;
  private readonly queueBytes: HeldBytes;
  private readonly acks: ClientAcknowledgements;
  private readonly queues: PointToPointQueues;
  private patternSubscriptions = 0;
  private nextGroupOrder = 0;

  constructor(
    private readonly separator: '/' | '.',
    settings: Partial<SimpleBrokerSettings> = {},
    private readonly history?: MessageHistory,
    /** What `retention` keeps: the history's destinations by default; the Redis broker's streams mode gives its own. */
    private readonly retained: RetainedDestinations | undefined = history,
  ) {
    this.patternIndex = new PatternIndex(separator);
    this.settings = { ...PATTERN_SUBSCRIPTION_DEFAULTS, ...QUEUE_DEFAULTS, ...settings };
    this.queueBytes = new HeldBytes(this.settings.maxQueuedBytes);
    this.acks = new ClientAcknowledgements(this.queueBytes);
    const logger = new StompLogger('StompModule');
    this.queues = new PointToPointQueues(this.settings, this.queueBytes, (subscription, message) => this.deliver(subscription, message), (line) => logger.warn(line));
  }

  /** Number of live subscriptions. */
  get subscriptionCount(): number {
    let count = 0;
    for (const state of this.bySubscriber.values()) count += state.subscriptions.size;
    return count;
  }

  /** Number of live pattern subscriptions. */
  get patternSubscriptionCount(): number {
    return this.patternSubscriptions;
  }

  /** Point-to-point queues held (with consumers, or with messages waiting), and the bytes held for them. */
  get queueStats(): { readonly queues: number; readonly heldBytes: number } {
    return { queues: this.queues.size, heldBytes: this.queueBytes.bytes };
  }

  /** Messages waiting in the point-to-point queue of `destination` for a ready consumer. */
  waitingAt(destination: string): number {
    return this.queues.waitingAt(destination);
  }

  async close(): Promise<void> {
    this.queues.close();
  }

  subscribe(subscriber: BrokerSubscriber, subscriptionId: string, destination: string, headers: StompHeaders = {}): void {
    checkSubscriptionPattern(destination, this.separator);
    const pattern = isPattern(destination);
    const isQueueConsumer = this.isPointToPoint(destination);
    if (pattern && this.queues.isQueue(destination)) {
      throw new StompProtocolError(
        'STOMP_ERR_ILLEGAL_HEADER',
        `Subscription pattern '${destination}' is refused: destinations under ${this.settings.queuePrefixes.join(', ')} are point-to-point queues (option queuePrefixes), consumed by name, as on RabbitMQ; subscribe to each queue, or use a topic`,
      );
    }
    const unacknowledged = subscriptionAck(headers, this.settings);
    const replay = isQueueConsumer ? undefined : this.history?.replay(destination, headers[STREAM_OFFSET_HEADER], pattern);
    const state = this.bySubscriber.get(subscriber);
    const replaced = state?.subscriptions.get(subscriptionId);
    if (pattern) checkPatternBudgets(this.settings, state?.patterns ?? 0, this.patternSubscriptions, replaced?.isPattern === true);
    const subscription: Subscription = { subscriber, id: subscriptionId, destination, isPattern: pattern, isQueueConsumer, unacknowledged, queue: undefined };
    const own = state ?? { subscriptions: new Map(), patterns: 0 };
    if (!state) this.bySubscriber.set(subscriber, own);
    if (replaced) this.remove(own, replaced);
    own.subscriptions.set(subscriptionId, subscription);
    if (isQueueConsumer) return this.queues.consume(subscription);
    if (pattern) {
      own.patterns++;
      this.patternSubscriptions++;
    }
    this.setFor(destination, pattern).add(subscription);
    if (unacknowledged) this.queues.backlogFor(subscription);
    if (replay) this.deliverReplay(subscription, replay);
  }

  unsubscribe(subscriber: BrokerSubscriber, subscriptionId: string): void {
    const state = this.bySubscriber.get(subscriber);
    const subscription = state?.subscriptions.get(subscriptionId);
    if (!state || !subscription) return;
    state.subscriptions.delete(subscriptionId);
    if (state.subscriptions.size === 0) this.bySubscriber.delete(subscriber);
    this.remove(state, subscription);
  }

  unsubscribeAll(subscriber: BrokerSubscriber): void {
    const state = this.bySubscriber.get(subscriber);
    if (!state) return;
    this.bySubscriber.delete(subscriber);
    for (const subscription of state.subscriptions.values()) this.remove(state, subscription);
  }

  publish(message: BrokerMessage): void {
    if (this.isPointToPoint(message.destination)) return this.queues.publish(message.destination, new HeldMessage(message));
    // Kept even with no subscriber now: a later one may replay it.
    const retained = this.history?.record(message);
    const exact = this.exact.get(message.destination);
    const groups = this.patterns.size > 0 ? this.matchingGroups(message.destination) : NO_GROUPS;
    if (!exact && groups.length === 0) return;
    const template = retained ?? MessageFrameTemplate.forMessage(message);
    // One id per message (STOMP asks no more), so subscribers alike can share one frame.
    const messageId = this.messageIds.next();
    let held: HeldMessage | undefined;
    if (exact) held = this.fanOut(exact, message, template, messageId, held);
    for (const group of groups) held = this.fanOut(group.subscriptions, message, template, messageId, held);
  }

  /** One publish to `subscriptions`; the HeldMessage its client-acknowledged ones share, made on first need. A method, not a closure per publish. */
  private fanOut(subscriptions: Set<Subscription>, message: BrokerMessage, template: MessageFrameTemplate, messageId: string, held: HeldMessage | undefined): HeldMessage | undefined {
    for (const subscription of subscriptions) {
      if (subscription.queue === undefined) subscription.subscriber.deliverMessage(template, subscription.id, messageId);
      else subscription.queue.offer((held ??= new HeldMessage(message, template)));
    }
    return held;
  }

  /** ACK/NACK of a client-acknowledged delivery; a NACKed queue message goes to another consumer, a topic one is dropped. */
  acknowledge(subscriber: BrokerSubscriber, command: 'ACK' | 'NACK', headers: StompHeaders): void {
    const { subscription, messages } = this.acks.settle(subscriber, command, headers);
    const queue = subscription.queue!;
    if (command === 'NACK' && subscription.isQueueConsumer) queue.requeue(messages.map((message) => message.redelivery()));
    // Settled messages leave room under the prefetch: what waited for it goes now.
    else queue.drain();
  }

  /**
   * Under a queue prefix, and not a destination `retention` keeps: a retained one is a stream, read
   * by every subscriber and replayable, as RabbitMQ's stream queues are.
   */
  private isPointToPoint(destination: string): boolean {
    return this.queues.isQueue(destination) && !this.retained?.retains(destination);
  }

  /** A replay: as it comes to an `auto` subscription; through its backlog (and prefetch) to a client-acknowledged one. */
  private deliverReplay(subscription: Subscription, replay: Iterable<MessageFrameTemplate>): void {
    for (const template of replay) {
      if (subscription.queue === undefined) subscription.subscriber.deliverMessage(template, subscription.id, this.messageIds.next());
      else subscription.queue.offer(new HeldMessage({ destination: subscription.destination, headers: template.headers, body: template.body }, template));
    }
  }

  /** One message to one subscription of a queue or backlog: with an ack id of its own when the client acknowledges. */
  private deliver(subscription: Subscription, message: HeldMessage): void {
    if (subscription.unacknowledged) this.acks.deliver(subscription, message);
    else subscription.subscriber.deliverMessage(message.frameTemplate, subscription.id, this.messageIds.next());
  }

  /** The pattern groups matching `destination`, in the order they were first subscribed. */
  private matchingGroups(destination: string): readonly PatternGroup[] {
    // Collected into a reused array and copied out only when something matched: a publish no
    // pattern matches (the common case) allocates nothing here. A copy, since delivering may publish again.
    const scratch = this.matchedGroups;
    this.patternIndex.collect(destination, scratch);
    if (scratch.length === 0) return NO_GROUPS;
    const groups = scratch.slice();
    scratch.length = 0;
    if (groups.length > 1) groups.sort((a, b) => a.order - b.order);
    return groups;
  }

  private setFor(destination: string, pattern: boolean): Set<Subscription> {
    if (!pattern) {
      let subscriptions = this.exact.get(destination);
      if (!subscriptions) this.exact.set(destination, (subscriptions = new Set()));
      return subscriptions;
    }
    let group = this.patterns.get(destination);
    if (!group) {
      group = { order: this.nextGroupOrder++, subscriptions: new Set() };
      this.patternIndex.set(destination, group);
      this.patterns.set(destination, group);
    }
    return group.subscriptions;
  }

  /** Ends a subscription; its unacknowledged queue messages go to the other consumers, a topic's are dropped. */
  private remove(state: SubscriberState, subscription: Subscription): void {
    const unacknowledged = this.acks.release(subscription);
    if (subscription.isQueueConsumer) return this.queues.leave(subscription, unacknowledged);
    subscription.queue?.clear();
    const { destination } = subscription;
    if (!subscription.isPattern) {
      const exact = this.exact.get(destination);
      if (exact?.delete(subscription) && exact.size === 0) this.exact.delete(destination);
      return;
    }
    state.patterns--;
    this.patternSubscriptions--;
    const group = this.patterns.get(destination);
    if (group?.subscriptions.delete(subscription) && group.subscriptions.size === 0) {
      this.patterns.delete(destination);
      this.patternIndex.delete(destination);
    }
  }
}
