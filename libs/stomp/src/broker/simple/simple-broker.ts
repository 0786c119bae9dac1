import { StompProtocolError } from '../../errors/stomp-protocol.error.js';
import { MessageFrameTemplate } from '../../protocol/message-frame-template.js';
import type { StompHeaders } from '../../protocol/stomp-frame.js';
import { MessageIds } from '../../util/message-ids.js';
import type { BrokerMessage, BrokerSubscriber, MessageBroker } from '../message-broker.js';
import { STREAM_OFFSET_HEADER } from '../retention/stream-offset.js';
import type { MessageHistory } from './message-history.js';
import { PATTERN_SUBSCRIPTION_DEFAULTS, type PatternSubscriptionLimits } from './pattern-budget.js';
import { PatternIndex } from './pattern-index.js';
import { checkSubscriptionPattern, isPattern } from './subscription-pattern.js';

interface Subscription {
  readonly subscriber: BrokerSubscriber;
  readonly id: string;
  readonly destination: string;
  /** Counted against the pattern budgets. */
  readonly isPattern: boolean;
}

interface PatternGroup {
  /** Creation order: a publish delivers to matching patterns in the order they were first subscribed. */
  readonly order: number;
  readonly subscriptions: Set<Subscription>;
}

interface SubscriberState {
  readonly subscriptions: Map<string, Subscription>;
  patterns: number;
}

const NO_GROUPS: readonly PatternGroup[] = [];

/**
 * The embedded in-memory broker (Spring's simple broker). An exact destination is one map lookup;
 * patterns sit in a {@link PatternIndex}, so a publish looks only at the patterns its destination's
 * segments lead to, not at every pattern subscribed (issue 11: 100k unrelated patterns made every
 * publish slow). Pattern subscriptions are bounded per session and in total.
 * A publish encodes its MESSAGE once and delivers synchronously, so every session receives messages
 * in publish order: exact subscriptions first, then patterns in the order they were first subscribed.
 * With a {@link MessageHistory}, retained destinations are kept and replayed (`x-stream-offset`): a
 * SUBSCRIBE replays and registers in one synchronous step, so no publish falls between the two.
 */
export class SimpleBroker implements MessageBroker {
  private readonly exact = new Map<string, Set<Subscription>>();
  private readonly patterns = new Map<string, PatternGroup>();
  private readonly patternIndex: PatternIndex<PatternGroup>;
  private readonly bySubscriber = new Map<BrokerSubscriber, SubscriberState>();
  private readonly messageIds = new MessageIds();
  private readonly limits: PatternSubscriptionLimits;
  private patternSubscriptions = 0;
  private nextGroupOrder = 0;

  constructor(
    private readonly separator: '/' | '.',
    limits: Partial<PatternSubscriptionLimits> = {},
    private readonly history?: MessageHistory,
  ) {
    this.patternIndex = new PatternIndex(separator);
    this.limits = { ...PATTERN_SUBSCRIPTION_DEFAULTS, ...limits };
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

  subscribe(subscriber: BrokerSubscriber, subscriptionId: string, destination: string, headers?: StompHeaders): void {
    checkSubscriptionPattern(destination, this.separator);
    const pattern = isPattern(destination);
    const replay = this.history?.replay(destination, headers?.[STREAM_OFFSET_HEADER], pattern);
    const state = this.bySubscriber.get(subscriber);
    const replaced = state?.subscriptions.get(subscriptionId);
    if (pattern) this.checkBudgets(state, replaced);
    const subscription: Subscription = { subscriber, id: subscriptionId, destination, isPattern: pattern };
    const own = state ?? { subscriptions: new Map(), patterns: 0 };
    if (!state) this.bySubscriber.set(subscriber, own);
    if (replaced) this.remove(own, replaced);
    own.subscriptions.set(subscriptionId, subscription);
    if (pattern) {
      own.patterns++;
      this.patternSubscriptions++;
    }
    this.setFor(destination, pattern).add(subscription);
    if (replay) for (const template of replay) subscriber.deliverMessage(template, subscriptionId, this.messageIds.next());
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
    // Kept even with no subscriber now: a later one may replay it.
    const retained = this.history?.record(message);
    const exact = this.exact.get(message.destination);
    const groups = this.patterns.size > 0 ? this.matchingGroups(message.destination) : NO_GROUPS;
    if (!exact && groups.length === 0) return;
    const template = retained ?? MessageFrameTemplate.forMessage(message);
    // One id per message (STOMP asks no more), so subscribers alike can share one frame.
    const messageId = this.messageIds.next();
    if (exact) for (const { subscriber, id } of exact) subscriber.deliverMessage(template, id, messageId);
    for (const group of groups) for (const { subscriber, id } of group.subscriptions) subscriber.deliverMessage(template, id, messageId);
  }

  /** The pattern groups matching `destination`, in the order they were first subscribed. */
  private matchingGroups(destination: string): readonly PatternGroup[] {
    const groups: PatternGroup[] = [];
    this.patternIndex.collect(destination, groups);
    if (groups.length > 1) groups.sort((a, b) => a.order - b.order);
    return groups;
  }

  /** Refuses a pattern subscription over a budget; the one it replaces (same id) frees its place. */
  private checkBudgets(state: SubscriberState | undefined, replaced: Subscription | undefined): void {
    const freed = replaced?.isPattern ? 1 : 0;
    const { maxPatternSubscriptionsPerSession, maxPatternSubscriptions } = this.limits;
    if ((state?.patterns ?? 0) - freed >= maxPatternSubscriptionsPerSession) {
      throw new StompProtocolError(
        'STOMP_ERR_LIMIT',
        `Too many pattern subscriptions: a session may hold at most ${maxPatternSubscriptionsPerSession} (option maxPatternSubscriptionsPerSession)`,
      );
    }
    if (this.patternSubscriptions - freed >= maxPatternSubscriptions) {
      throw new StompProtocolError(
        'STOMP_ERR_LIMIT',
        `Too many pattern subscriptions: the server holds at most ${maxPatternSubscriptions} (option maxPatternSubscriptions)`,
      );
    }
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

  private remove(state: SubscriberState, subscription: Subscription): void {
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
