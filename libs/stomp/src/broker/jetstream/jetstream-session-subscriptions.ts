import type { MessageIds } from '../../util/message-ids.js';
import type { BrokerSubscriber } from '../message-broker.js';
import { checkPatternBudgets, type PatternSubscriptionLimits } from '../simple/pattern-budget.js';
import { SessionAcks } from './jetstream-session-acks.js';
import type { JetStreamSubscription } from './jetstream-subscription.js';

interface SessionState {
  readonly subscriptions: Map<string, JetStreamSubscription>;
  /** How many of them are patterns, each costing NATS a reader per stream. */
  patterns: number;
  readonly acks: SessionAcks;
}

/** The subscriptions of this instance's sessions by id, their ack ids, and the pattern budgets they count against. */
export class SessionSubscriptions {
  private readonly sessions = new Map<BrokerSubscriber, SessionState>();
  private patterns = 0;

  constructor(
    private readonly ids: MessageIds,
    private readonly limits: PatternSubscriptionLimits,
  ) {}

  get count(): number {
    let count = 0;
    for (const state of this.sessions.values()) count += state.subscriptions.size;
    return count;
  }

  get subscribers(): BrokerSubscriber[] {
    return [...this.sessions.keys()];
  }

  *all(): Iterable<JetStreamSubscription> {
    for (const state of this.sessions.values()) yield* state.subscriptions.values();
  }

  acksOf(subscriber: BrokerSubscriber): SessionAcks | undefined {
    return this.sessions.get(subscriber)?.acks;
  }

  /**
   * Records the subscription `make` builds (with the session's ack ids) in place of the session's
   * one of the same id, which ends; a pattern beyond a budget is refused first (StompProtocolError).
   */
  add(subscriber: BrokerSubscriber, id: string, pattern: boolean, make: (acks: SessionAcks) => JetStreamSubscription): JetStreamSubscription {
    let state = this.sessions.get(subscriber);
    if (!state) this.sessions.set(subscriber, (state = { subscriptions: new Map(), patterns: 0, acks: new SessionAcks(this.ids) }));
    if (pattern) checkPatternBudgets(this.limits, state.patterns, this.patterns, state.subscriptions.get(id)?.isPattern === true);
    this.end(state, id);
    const subscription = make(state.acks);
    state.subscriptions.set(id, subscription);
    if (subscription.isPattern) {
      state.patterns++;
      this.patterns++;
    }
    return subscription;
  }

  remove(subscriber: BrokerSubscriber, id: string): void {
    const state = this.sessions.get(subscriber);
    if (!state) return;
    this.end(state, id);
    if (state.subscriptions.size === 0) this.sessions.delete(subscriber);
  }

  removeAll(subscriber: BrokerSubscriber): void {
    const state = this.sessions.get(subscriber);
    if (!state) return;
    this.sessions.delete(subscriber);
    for (const id of [...state.subscriptions.keys()]) this.end(state, id);
  }

  /** Ends one subscription of a session (unacknowledged queue messages go back) and frees its place. */
  private end(state: SessionState, id: string): void {
    const subscription = state.subscriptions.get(id);
    if (!subscription) return;
    state.subscriptions.delete(id);
    for (const ackId of subscription.end()) state.acks.delete(ackId);
    if (subscription.isPattern) {
      state.patterns--;
      this.patterns--;
    }
  }
}
