/** How many pattern subscriptions (`*`, `?`, `**`) the embedded broker holds at most. */
export interface PatternSubscriptionLimits {
  /** Per session. */
  readonly maxPatternSubscriptionsPerSession: number;
  /** All sessions of this instance together. */
  readonly maxPatternSubscriptions: number;
}

export const PATTERN_SUBSCRIPTION_DEFAULTS: PatternSubscriptionLimits = {
  maxPatternSubscriptionsPerSession: 100,
  maxPatternSubscriptions: 100_000,
};
