import { StompError } from '../../errors/stomp.error.js';

/**
 * A test client's expectation failed: nothing (or nothing matching) arrived in time, a RECEIPT
 * did not come, or a message came that `expectNothing` ruled out. The message says what arrived
 * instead, so the test's output explains the failure.
 */
export class StompExpectationError extends StompError {
  readonly code = 'STOMP_ERR_EXPECTATION';
}
