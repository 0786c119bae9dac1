import { StompError } from '../../errors/stomp.error.js';
import type { StompFrame } from '../../protocol/stomp-frame.js';
import { bodyExcerpt } from '../frame-description.js';

/**
 * The server answered with an ERROR frame (and closed the session): every wait of the test client
 * still pending rejects with this error, and so does every later operation. `frame` is the ERROR
 * itself: its `message` header, its `receipt-id` when it answers a frame that asked for a receipt,
 * its body.
 */
export class StompServerError extends StompError {
  readonly code = 'STOMP_ERR_SERVER_ERROR';

  constructor(readonly frame: StompFrame) {
    const body = frame.body.length > 0 ? ` (body: ${bodyExcerpt(frame.body)})` : '';
    super(`The server sent an ERROR frame: ${frame.headers.message ?? 'no message header'}${body}`);
  }

  /** The ERROR's `message` header: what the server says went wrong. */
  get serverMessage(): string | undefined {
    return this.frame.headers.message;
  }
}
