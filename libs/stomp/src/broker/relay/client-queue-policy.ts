import { StompProtocolError } from '../../errors/stomp-protocol.error.js';
import { audienceAdmits } from '../../interfaces/stomp-audience.js';
import type { StompPrincipal } from '../../interfaces/stomp-principal.interface.js';
import { DestinationPattern } from '../../protocol/destination-pattern.js';

/** Who may make the broker create a queue at destinations matching `destination`. */
export interface StompClientQueueRule {
  /** Destination pattern under `/queue/` (`*`, `**`, with the `pathSeparator`), e.g. `/queue/jobs.*`. */
  readonly destination: string;
  /**
   * A built-in audience or a check of your own, answering at once: a client's SENDs must reach
   * the broker in the order it sent them, so none may wait for another's verdict.
   */
  readonly allow: 'everyone' | 'authenticated' | 'nobody' | ((principal: StompPrincipal | undefined) => boolean);
}

/**
 * Where RabbitMQ (and ActiveMQ) create a queue on first use: a SEND or SUBSCRIBE to `/queue/<name>`
 * declares a durable queue that stays after the client, and the application, are gone.
 */
const QUEUE_PREFIX = '/queue/';

/**
 * SEND headers RabbitMQ reads as the properties of the queue it declares: a client must not shape
 * what the broker keeps. `persistent` (which RabbitMQ also reads as `durable`, and which writes the
 * message to disk) and `x-queue-type` (which RabbitMQ compares with the existing queue's, refusing
 * a SEND to a stream queue without `x-queue-type:stream`) are handled apart: they stay where a rule
 * admitted the client.
 */
const QUEUE_SHAPING = new Set([
  'durable',
  'auto-delete',
  'exclusive',
  'x-expires',
  'x-message-ttl',
  'x-max-length',
  'x-max-length-bytes',
  'x-max-priority',
  'x-max-age',
  'x-overflow',
  'x-single-active-consumer',
  'x-delivery-limit',
  'x-initial-cluster-size',
]);
const QUEUE_SHAPING_PREFIXES = ['x-queue-', 'x-dead-letter-', 'x-stream-'];
/** SEND headers kept on a `/queue/...` a rule admitted, dropped elsewhere. */
const ADMITTED_ONLY = new Set(['persistent', 'x-queue-type']);

interface CompiledRule {
  readonly pattern: DestinationPattern;
  readonly allow: StompClientQueueRule['allow'];
}

/**
 * What a client's SEND or SUBSCRIBE may make the external broker keep (the relay's `clientQueues`
 * option). Server-side sends (template, handler replies) do not come through here: they keep full
 * control. A client's frame to a `/queue/...` destination is refused unless a rule admits the
 * client there (first matching rule decides; none: refused); queue-shaping headers never pass from
 * a client's SEND, and `persistent` only where a rule admitted it.
 */
export class ClientQueuePolicy {
  private readonly rules: readonly CompiledRule[];

  constructor(rules: readonly StompClientQueueRule[], separator: '/' | '.') {
    this.rules = rules.map((rule) => ({ pattern: new DestinationPattern(rule.destination, separator), allow: rule.allow }));
  }

  /** Throws the ERROR's reason unless the client may SEND or SUBSCRIBE to `destination`. */
  check(command: 'SEND' | 'SUBSCRIBE', destination: string, principal: StompPrincipal | undefined): void {
    if (!destination.startsWith(QUEUE_PREFIX)) return;
    const rule = this.rules.find((r) => r.pattern.matches(destination));
    const refuse = (why: string): never => {
      throw new StompProtocolError(
        'STOMP_ERR_FORBIDDEN_DESTINATION',
        `${command} to '${destination}' is refused: through the relay it would create a queue on the broker that outlives the client, and ${why} (relay option clientQueues)`,
      );
    };
    if (!rule) return refuse('no clientQueues rule names this destination');
    const verdict: unknown = audienceAdmits(rule.allow, principal);
    if (verdict instanceof Promise) {
      verdict.catch(() => undefined);
      return refuse(`the clientQueues rule '${rule.pattern.pattern}' answered with a Promise: its allow check must answer at once`);
    }
    if (verdict !== true) refuse(`the clientQueues rule '${rule.pattern.pattern}' does not admit this client`);
  }

  /** A client's SEND headers without the queue-shaping ones; `persistent` and `x-queue-type` stay only on an admitted `/queue/...`. */
  sendHeaders(destination: string, headers: Readonly<Record<string, string>>): Record<string, string> {
    // check() ran first: a `/queue/...` destination here is one a rule admitted.
    const admitted = destination.startsWith(QUEUE_PREFIX);
    const out: Record<string, string> = {};
    for (const name in headers) {
      const lower = name.toLowerCase();
      if (ADMITTED_ONLY.has(lower) ? !admitted : isQueueShaping(lower)) continue;
      out[name] = headers[name]!;
    }
    return out;
  }
}

function isQueueShaping(lowerCaseName: string): boolean {
  return QUEUE_SHAPING.has(lowerCaseName) || QUEUE_SHAPING_PREFIXES.some((prefix) => lowerCaseName.startsWith(prefix));
}
