import type { StompPrincipal } from './stomp-principal.interface.js';

/**
 * Who a rule lets through: a built-in audience, or a check of your own. Shared by the
 * `authorization` rules and the relay's `clientQueues` rules.
 */
export type StompAudience =
  | 'everyone'
  | 'authenticated'
  /** Only the server (template sends, handler replies): clients are refused. */
  | 'nobody'
  | ((principal: StompPrincipal | undefined) => boolean | Promise<boolean>);

/** Whether `audience` admits the session of `principal` (`undefined`: anonymous). */
export function audienceAdmits(audience: StompAudience, principal: StompPrincipal | undefined): boolean | Promise<boolean> {
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

/** Whether `value` is an audience a rule may name. */
export function isAudience(value: unknown): value is StompAudience {
  return typeof value === 'function' || value === 'everyone' || value === 'authenticated' || value === 'nobody';
}
