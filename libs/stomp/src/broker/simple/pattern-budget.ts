/** How many pattern subscriptions (`*`, `?`, `**`) the embedded broker holds at most. */
export interface PatternSubscriptionLimits {
  /** Per session. */
  readonly maxPatternSubscriptionsPerSession: number;
  /** All sessions of this instance together. */
  readonly maxPatternSubscriptions: number;
}

/** A SimpleBroker made without limits (tests, the bench) uses STOMP_DEFAULTS' values, repeated here (the broker cannot read the module's options; a spec compares them). */
export const PATTERN_SUBSCRIPTION_DEFAULTS: PatternSubscriptionLimits = {
  maxPatternSubscriptionsPerSession: 100,
  maxPatternSubscriptions: 100_000,
};
