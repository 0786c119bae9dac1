import type { BrokerMessage } from '../../message-broker.js';
import { STREAM_OFFSET_HEADER } from '../../retention/stream-offset.js';
import { decodeRedisMessage } from '../redis-message-codec.js';

/** One entry of an XRANGE or XREAD reply, as Buffers: its id and its fields, names and values alternating. */
export type RawStreamEntry = [id: Buffer, fields: Buffer[]];

/**
 * The entries of an XREAD reply for one stream: `[[key, entries]]` in RESP2, a map in RESP3, which
 * ioredis hands over flattened as `[key, entries]`; `null` when the block timed out.
 */
export function xreadEntries(reply: unknown): RawStreamEntry[] {
  if (!Array.isArray(reply) || reply.length === 0) return [];
  const pair = (Array.isArray(reply[0]) ? reply[0] : reply) as [unknown, unknown];
  return Array.isArray(pair[1]) ? (pair[1] as RawStreamEntry[]) : [];
}

/** A field's value in an entry's alternating names and values; `name` is ASCII (compared byte by byte, no string made). */
export function fieldOf(fields: readonly Buffer[], name: string): Buffer | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) if (isName(fields[i]!, name)) return fields[i + 1];
  return undefined;
}

function isName(field: Buffer, name: string): boolean {
  if (field.length !== name.length) return false;
  for (let i = 0; i < name.length; i++) if (field[i] !== name.charCodeAt(i)) return false;
  return true;
}

/** The message a log or feed entry holds, with `x-stream-offset` telling its place in its destination's log. */
export function retainedMessage(encoded: Buffer, offset: number): BrokerMessage {
  return decodeRedisMessage(encoded, { name: STREAM_OFFSET_HEADER, value: String(offset) });
}
