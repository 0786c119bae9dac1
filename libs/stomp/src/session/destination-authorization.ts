import { DestinationPattern } from '../messaging/destination-pattern.js';
import type { StompFrame } from '../protocol/stomp-frame.js';
import type { StompAudience, StompAuthorizationOptions } from '../stomp.options.js';
import type { StompChannelInterceptor } from './stomp-channel-interceptor.js';
import type { StompPrincipal } from './stomp-principal.js';
import type { StompSession } from './stomp-session.js';

type Guarded = 'SEND' | 'SUBSCRIBE';

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

  return {
    inbound(frame: StompFrame, session: StompSession) {
      const { command } = frame;
      const destination = frame.headers.destination;
      if ((command !== 'SEND' && command !== 'SUBSCRIBE') || destination === undefined) return frame;
      const rule = rules.find((r) => r.on.has(command) && r.pattern.matches(destination));
      if (!rule) {
        if (denyOtherwise) throw new Error(`no authorization rule allows a ${command} to '${destination}' (deny by default)`);
        return frame;
      }
      const verdict = admits(rule.allow, session.principal);
      const decide = (allowed: boolean) => {
        if (!allowed) throw new Error(`not allowed to ${command} to '${destination}' (authorization rule '${rule.pattern.pattern}')`);
        return frame;
      };
      return verdict instanceof Promise ? verdict.then(decide) : decide(verdict);
    },
  };
}

function admits(audience: StompAudience, principal: StompPrincipal | undefined): boolean | Promise<boolean> {
  switch (audience) {
    case 'everyone':
      return true;
    case 'authenticated':
      return principal !== undefined;
    case 'nobody':
      return false;
    default:
      return audience(principal);
  }
}
