import type { StompHeaders } from './stomp-frame.js';

/**
 * Headers that belong to one frame or one hop, never copied from a SEND to the MESSAGEs it makes;
 * `redelivered` and `x-stream-offset` are the broker's to write on a MESSAGE, and a sender's own
 * would mislead every subscriber (a forged redelivery, an offset that is not the log's).
 */
const HOP_HEADERS = new Set(['destination', 'receipt', 'transaction', 'content-length', 'subscription', 'message-id', 'ack', 'id', 'redelivered', 'x-stream-offset']);

/** A SEND's headers as the MESSAGE should carry them: `content-type` and the client's own headers. */
export function messageHeadersOf(headers: StompHeaders | Readonly<Record<string, string | number | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value !== undefined && !HOP_HEADERS.has(name)) out[name] = String(value);
  }
  return out;
}
