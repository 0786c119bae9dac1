import type { RetentionSettings } from '../retention/retention.options.js';
import type { RetentionPolicy } from '../retention/retention-policy.js';
import { QUEUE_NAMESPACE, ruleNamespace, TRANSIENT_NAMESPACE } from './jetstream-streams.js';
import { destinationToSubject, patternToSubject } from './subject-mapping.js';

/** Which NATS subject carries a destination: a rule's stream, the queues' stream, or core NATS (README "JetStream"). */
export class JetStreamSubjects {
  constructor(
    private readonly separator: '/' | '.',
    private readonly prefix: string,
    private readonly queuePrefixes: readonly string[],
    private readonly retention: RetentionPolicy,
    private readonly rules: readonly RetentionSettings[],
  ) {}

  isQueue(destination: string): boolean {
    return this.queuePrefixes.some((prefix) => destination.startsWith(prefix));
  }

  /** The index of the `retention` rule keeping `destination`, -1 for none. */
  ruleIndexOf(destination: string): number {
    const rule = this.retention.ruleFor(destination);
    return rule ? this.rules.indexOf(rule) : -1;
  }

  /** Where a destination's messages go, and whether JetStream stores them. */
  publishSubject(destination: string): { subject: string; stored: boolean } {
    if (this.isQueue(destination)) return { subject: this.queueSubject(destination), stored: true };
    const rule = this.ruleIndexOf(destination);
    if (rule >= 0) return { subject: this.ruleSubject(destination, rule), stored: true };
    return { subject: this.transientSubject(destination), stored: false };
  }

  queueSubject(destination: string): string {
    return destinationToSubject(destination, this.separator, this.prefix, QUEUE_NAMESPACE);
  }

  ruleSubject(destination: string, rule: number): string {
    return destinationToSubject(destination, this.separator, this.prefix, ruleNamespace(rule));
  }

  transientSubject(destination: string): string {
    return destinationToSubject(destination, this.separator, this.prefix, TRANSIENT_NAMESPACE);
  }

  rulePattern(pattern: string, rule: number): string {
    return patternToSubject(pattern, this.separator, this.prefix, ruleNamespace(rule));
  }

  transientPattern(pattern: string): string {
    return patternToSubject(pattern, this.separator, this.prefix, TRANSIENT_NAMESPACE);
  }
}
