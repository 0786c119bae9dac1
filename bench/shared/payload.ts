/**
 * The bench message: JSON whose first member is the sequence number, padded with `content` to an
 * exact size. The lean client reads `seq` at a fixed offset instead of parsing JSON, so the
 * generator stays cheap; the servers' handlers parse and re-serialize it like any JSON payload
 * (key order survives the round trip, so `seq` stays first).
 */
export interface BenchPayload {
  readonly seq: number;
  readonly sender: string;
  readonly content: string;
}

const SEQ_PREFIX = '{"seq":';
const FILLER = 'x'.repeat(64 * 1024);

export function makePayload(seq: number, sender: string, sizeBytes: number): BenchPayload {
  const empty = JSON.stringify({ seq, sender, content: '' }).length;
  return { seq, sender, content: FILLER.slice(0, Math.max(0, sizeBytes - empty)) };
}

export function encodePayload(seq: number, sender: string, sizeBytes: number): string {
  return JSON.stringify(makePayload(seq, sender, sizeBytes));
}

/** The `seq` of a bench payload in `bytes` from `offset`, or -1 when it is not one. */
export function readSequence(bytes: Buffer, offset: number): number {
  // '{' and ':' at their places is enough to tell a bench payload from anything else.
  if (bytes[offset] !== 0x7b || bytes[offset + SEQ_PREFIX.length - 1] !== 0x3a) return -1;
  let value = 0;
  let digits = 0;
  for (let i = offset + SEQ_PREFIX.length; i < bytes.length; i++) {
    const digit = bytes[i]! - 0x30;
    if (digit < 0 || digit > 9) break;
    value = value * 10 + digit;
    digits++;
  }
  return digits === 0 ? -1 : value;
}
