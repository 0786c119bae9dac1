import { StompProtocolError } from '../errors/stomp-protocol.error.js';
import type { DisconnectReason } from '../events/stomp-event.js';
import type { OutgoingFrame } from '../protocol/frame-encoder.js';
import type { StompFrame } from '../protocol/stomp-frame.js';
import { SUPPORTED_VERSIONS } from '../protocol/stomp-version.js';
import { CloseCode } from './close-code.js';

/** How a session ends on an error: the ERROR frame it sends, then the close it makes. */
export interface SessionFailure {
  readonly frame: OutgoingFrame;
  readonly closeCode: number;
  readonly reason: DisconnectReason;
}

/**
 * The ERROR frame for `error`: its message as the `message` header (on one line) and as the body,
 * `receipt-id` when the failed frame asked for a receipt (given, or carried by the error), and the
 * versions the server speaks when the client's were refused. The connection then closes with
 * `closeCode` (a protocol error unless said otherwise).
 */
export function sessionFailure(
  error: StompProtocolError | Error,
  receiptId: string | undefined,
  closeCode: number = CloseCode.PROTOCOL_ERROR,
  reason: DisconnectReason = 'error',
): SessionFailure {
  const message = error.message;
  const headers: Record<string, string> = { message: toHeaderLine(message), 'content-type': 'text/plain;charset=UTF-8' };
  receiptId ??= error instanceof StompProtocolError ? error.receiptId : undefined;
  if (receiptId !== undefined) headers['receipt-id'] = receiptId;
  if (error instanceof StompProtocolError && error.code === 'STOMP_ERR_UNSUPPORTED_VERSION') {
    headers.version = SUPPORTED_VERSIONS.join(',');
  }
  return { frame: { command: 'ERROR', headers, body: message }, closeCode, reason };
}

/** What a failed frame's ERROR says. A protocol error speaks for itself; anything else was unexpected, and is also logged (`unexpected`). */
export function frameFailure(frame: StompFrame, error: unknown): { readonly error: Error; readonly unexpected?: Error } {
  if (error instanceof StompProtocolError) return { error };
  const cause = error instanceof Error ? error : new Error(String(error));
  return { error: new Error(`Failed to process ${frame.command}: ${cause.message}`), unexpected: cause };
}

/** The WebSocket close reason for a session that ended for `reason`. */
export function closeReasonText(reason: DisconnectReason): string {
  return reason === 'error' ? 'STOMP protocol error' : reason;
}

function toHeaderLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}
