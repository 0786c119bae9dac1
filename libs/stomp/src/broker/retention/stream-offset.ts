import { StompProtocolError } from '../../errors/stomp-protocol.error.js';
import { truncate } from '../../util/truncate.js';

/** The SUBSCRIBE and MESSAGE header of the replay contract, as RabbitMQ's STOMP streams name it. */
export const STREAM_OFFSET_HEADER = 'x-stream-offset';

/**
 * Where a subscription to a retained destination starts reading its log: `next` (only new
 * messages, the default), `first` (everything kept), `last` (the last message kept, then new ones),
 * an offset (that position on), or a timestamp (messages stored at or after it, in milliseconds
 * since the epoch; the header gives seconds).
 */
export type StreamOffset =
  | { readonly kind: 'next' }
  | { readonly kind: 'first' }
  | { readonly kind: 'last' }
  | { readonly kind: 'offset'; readonly offset: number }
  | { readonly kind: 'timestamp'; readonly timestamp: number };

const NEXT: StreamOffset = { kind: 'next' };
const OFFSET = /^offset=(0|[1-9][0-9]{0,15})$/;
const TIMESTAMP = /^timestamp=(0|[1-9][0-9]{0,12})(\.[0-9]{1,3})?$/;

/**
 * Reads a SUBSCRIBE's `x-stream-offset` header (absent: `next`). A value that is none of the forms
 * is a {@link StompProtocolError} naming it, so a client that mistyped it learns why at once
 * instead of silently reading from the wrong place.
 */
export function parseStreamOffset(value: string | undefined): StreamOffset {
  if (value === undefined || value === 'next') return NEXT;
  if (value === 'first' || value === 'last') return { kind: value };
  const offset = OFFSET.exec(value);
  if (offset && Number.isSafeInteger(Number(offset[1]))) return { kind: 'offset', offset: Number(offset[1]) };
  const timestamp = TIMESTAMP.exec(value);
  if (timestamp) return { kind: 'timestamp', timestamp: Math.round(Number(timestamp[1] + (timestamp[2] ?? '')) * 1000) };
  throw new StompProtocolError(
    'STOMP_ERR_BAD_STREAM_OFFSET',
    `Invalid ${STREAM_OFFSET_HEADER} header '${truncate(value)}': expected next, first, last, offset=<n> or timestamp=<seconds since the epoch>`,
  );
}
