import { StompError } from './stomp.error.js';

/**
 * The broker could not take a message: it is unreachable, or did not answer in time. Nothing is
 * dropped silently: a template send rejects with this error, and a client's SEND gets an ERROR
 * saying so.
 */
export class StompBrokerUnavailableError extends StompError {
  readonly code = 'STOMP_ERR_BROKER_UNAVAILABLE' as const;
}
