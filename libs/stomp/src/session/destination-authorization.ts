import { DestinationPattern } from '../protocol/destination-pattern.js';
import type { StompFrame } from '../protocol/stomp-frame.js';
import type { StompChannelInterceptor } from './stomp-channel-interceptor.js';
import { audienceAdmits, type StompAudience } from '../interfaces/stomp-audience.js';
import type { StompSession } from '../interfaces/stomp-session.interface.js';

type Guarded = 'SEND' | 'SUBSCRIBE';

export type { StompAudience } from '../interfaces/stomp-audience.js';

export interface StompAuthorizationRule {
  /** Destination pattern (`*`, `**`, `{var}`, with the `pathSeparator`), e.g. `/topic/news/**`. */
  readonly destination: string;
  /** The frames it applies to. Default both. */
  readonly on?: 'SEND' | 'SUBSCRIBE' | readonly ('SEND' | 'SUBSCRIBE')[];
  readonly allow: StompAudience;
}

export interface StompAuthorizationOptions {
  /** Tried in order; the first whose destination and frame match decides. */
  readonly rules: readonly StompAuthorizationRule[];
  /** When no rule matches: `'allow'` (default) or `'deny'` (deny by default). */
  readonly otherwise?: 'allow' | 'deny';
}

/** Pattern characters of Ant destinations, and RabbitMQ's `#` (the relay passes patterns on). */
const WILDCARD = /[*?{#]/;

interface CompiledRule {
  readonly pattern: DestinationPattern;
  readonly on: ReadonlySet<Guarded>;
  readonly allow: StompAudience;
}

/**
 * The `authorization` option as an inbound interceptor: the first rule matching a SEND's or
 * SUBSCRIBE's destination decides; none: `otherwise`. A refusal is an ERROR
 * (`SEND refused: ...`), and nothing of the frame takes effect.
 */
export function destinationAuthorization(options: StompAuthorizationOptions, separator: '/' | '.'): StompChannelInterceptor {
  const rules: CompiledRule[] = options.rules.map((rule) => ({
    pattern: new DestinationPattern(rule.destination, separator),
    on: new Set(rule.on === undefined ? ['SEND', 'SUBSCRIBE'] : typeof rule.on === 'string' ? [rule.on] : rule.on),
    allow: rule.allow,
  }));
  const denyOtherwise = options.otherwise === 'deny';
  const subscribeRules = rules.filter((rule) => rule.on.has('SUBSCRIBE'));

  /**
   * A pattern (`/topic/**`) reaches destinations no rule sees written out, so it passes only where
   * nothing is restricted: every SUBSCRIBE rule admits the user, and unlisted destinations are open.
   */
  const checkPatternSubscription = (frame: StompFrame, destination: string, session: StompSession) => {
    const refuse = () => {
      throw new Error(`a pattern subscription to '${destination}' could reach destinations the authorization rules restrict: subscribe to them one by one`);
    };
    if (denyOtherwise) refuse();
    const verdicts = subscribeRules.map((rule) => audienceAdmits(rule.allow, session.principal));
    const decide = (allowed: boolean[]) => (allowed.every(Boolean) ? frame : refuse());
    return verdicts.some((v) => v instanceof Promise) ? Promise.all(verdicts).then(decide) : decide(verdicts as boolean[]);
  };

  return {
    inbound(frame: StompFrame, session: StompSession) {
      const { command } = frame;
      const destination = frame.headers.destination;
      if ((command !== 'SEND' && command !== 'SUBSCRIBE') || destination === undefined) return frame;
      if (command === 'SUBSCRIBE' && WILDCARD.test(destination)) return checkPatternSubscription(frame, destination, session);
      const rule = rules.find((r) => r.on.has(command) && r.pattern.matches(destination));
      if (!rule) {
        if (denyOtherwise) throw new Error(`no authorization rule allows a ${command} to '${destination}' (deny by default)`);
        return frame;
      }
      const verdict = audienceAdmits(rule.allow, session.principal);
      const decide = (allowed: boolean) => {
        if (!allowed) throw new Error(`not allowed to ${command} to '${destination}' (authorization rule '${rule.pattern.pattern}')`);
        return frame;
      };
      return verdict instanceof Promise ? verdict.then(decide) : decide(verdict);
    },
  };
}
