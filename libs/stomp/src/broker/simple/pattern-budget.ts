import { StompProtocolError } from '../../errors/stomp-protocol.error.js';

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

/**
 * Refuses one more pattern subscription over a budget, in the same words on every broker that
 * matches patterns itself. `sessionPatterns` and `allPatterns`: what is held now; `replacing`: the
 * subscription with the same id being replaced is a pattern, which frees its place.
 */
export function checkPatternBudgets(limits: PatternSubscriptionLimits, sessionPatterns: number, allPatterns: number, replacing: boolean): void {
  const freed = replacing ? 1 : 0;
  const { maxPatternSubscriptionsPerSession, maxPatternSubscriptions } = limits;
  if (sessionPatterns - freed >= maxPatternSubscriptionsPerSession) {
    throw new StompProtocolError(
      'STOMP_ERR_LIMIT',
      `Too many pattern subscriptions: a session may hold at most ${maxPatternSubscriptionsPerSession} (option maxPatternSubscriptionsPerSession)`,
    );
  }
  if (allPatterns - freed >= maxPatternSubscriptions) {
    throw new StompProtocolError('STOMP_ERR_LIMIT', `Too many pattern subscriptions: the server holds at most ${maxPatternSubscriptions} (option maxPatternSubscriptions)`);
  }
}
