import { DestinationPattern } from '../../protocol/destination-pattern.js';
import type { RetentionSettings } from './retention.options.js';

/** Which retention rule, if any, keeps a destination: the first whose patterns match it. */
export class RetentionPolicy {
  private readonly rules: readonly { readonly patterns: readonly DestinationPattern[]; readonly settings: RetentionSettings }[];

  constructor(rules: readonly RetentionSettings[], separator: '/' | '.') {
    this.rules = rules.map((settings) => ({ settings, patterns: settings.destinations.map((pattern) => new DestinationPattern(pattern, separator)) }));
  }

  /** Whether any destination is retained at all. */
  get isEmpty(): boolean {
    return this.rules.length === 0;
  }

  /** The rule retaining `destination`, or `undefined` when it is not retained. */
  ruleFor(destination: string): RetentionSettings | undefined {
    for (const rule of this.rules) if (rule.patterns.some((pattern) => pattern.matches(destination))) return rule.settings;
    return undefined;
  }
}
