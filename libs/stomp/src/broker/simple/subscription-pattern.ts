import { StompProtocolError } from '../../errors/stomp-protocol.error.js';

/** Whether a subscription destination is a pattern (`*`, `?`, `**`, `{var}`) rather than one destination. */
export function isPattern(destination: string): boolean {
  return /[*?{]/.test(destination);
}

/**
 * A client's pattern must stay cheap to match: no `{var}` (a regex of the client's choosing), at
 * most one `*` per segment and one `**`. Beyond that, backtracking could let one SUBSCRIBE stall
 * the server on each publish, and the `PatternIndex` walk would multiply.
 */
export function checkSubscriptionPattern(destination: string, separator: '/' | '.'): void {
  if (!isPattern(destination)) return;
  const segments = destination.split(separator);
  const tooComplex =
    destination.includes('{') ||
    segments.filter((segment) => segment === '**').length > 1 ||
    segments.some((segment) => segment !== '**' && (segment.match(/\*/g)?.length ?? 0) > 1);
  if (tooComplex) {
    throw new StompProtocolError(
      'STOMP_ERR_ILLEGAL_HEADER',
      `Subscription pattern '${destination}' is too complex: use at most one '*' per segment and one '**', and no '{...}'`,
    );
  }
}
