import { StompError } from '../errors/stomp.error.js';
import type { DisconnectReason } from '../events/stomp-event.js';
import type { SessionCloseCause } from '../interfaces/stomp-counters.js';

/** Error codes that say more about a close than the `disconnect` event's reason. */
const CAUSE_OF_CODE: Readonly<Record<string, SessionCloseCause>> = {
  STOMP_ERR_HEART_BEAT_TIMEOUT: 'heart-beat',
  STOMP_ERR_BROKER_LOST: 'broker-lost',
  STOMP_ERR_ADMIN_DISCONNECT: 'admin',
  STOMP_ERR_REBALANCE: 'rebalance',
};

/** Why a session ended, for the close counters: from the error that ended it when there was one, else from the reason. */
export function closeCauseOf(error: Error | undefined, reason: DisconnectReason): SessionCloseCause {
  const byCode = error instanceof StompError ? CAUSE_OF_CODE[error.code] : undefined;
  if (byCode) return byCode;
  switch (reason) {
    case 'error':
      return 'protocol-error';
    case 'admin':
      return 'admin';
    default:
      return reason;
  }
}

/**
 * The code an ERROR is counted under: the error's own, `STOMP_ERR_SHUTDOWN` for the goodbye of a
 * server shutting down, `STOMP_ERR_INTERNAL` for anything unexpected (a handler's plain Error).
 */
export function errorCodeOf(error: Error, reason: DisconnectReason): string {
  if (error instanceof StompError) return error.code;
  return reason === 'shutdown' ? 'STOMP_ERR_SHUTDOWN' : 'STOMP_ERR_INTERNAL';
}
