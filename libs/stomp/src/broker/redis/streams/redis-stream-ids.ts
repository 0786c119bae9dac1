/**
 * How a position in a destination's Redis stream becomes the `x-stream-offset` a client sees, and
 * back. Redis stream ids are `<ms>-<seq>`; the publisher gives each entry its id itself and keeps
 * `seq` below {@link SEQUENCES_PER_MS} (a 1025th message within one millisecond takes the next
 * millisecond), so one integer holds both: `offset = ms × 1024 + seq`. It grows with every message
 * of the destination, and `offset + 1` is the smallest id after it, so resuming with `offset=<n+1>`
 * reads exactly what follows n. Offsets are safe integers until the year 2248.
 */
export const SEQUENCES_PER_MS = 1024;

/** The offset of stream id `<ms>-<seq>`. */
export function offsetOfStreamId(id: string): number {
  const dash = id.indexOf('-');
  const ms = Number(id.slice(0, dash));
  const seq = Number(id.slice(dash + 1));
  if (dash < 1 || !Number.isSafeInteger(ms) || !Number.isInteger(seq) || seq < 0 || seq >= SEQUENCES_PER_MS) {
    throw new Error(`'${id}' is not a stream id the Redis Streams publisher writes (<ms>-<seq below ${SEQUENCES_PER_MS}>)`);
  }
  return ms * SEQUENCES_PER_MS + seq;
}

/**
 * {@link offsetOfStreamId} of an id as Redis's reply holds it, read from its bytes: the feed's
 * reader and the replays convert every entry's id, and its string would only be garbage.
 */
export function offsetOfStreamIdBytes(id: Buffer): number {
  const dash = id.indexOf(DASH);
  // Up to 15 digits of ms is a safe integer whatever they are; anything unusual takes the checked way.
  if (dash < 1 || dash > 15 || id.length - dash < 2 || id.length - dash > 5) return offsetOfStreamId(id.toString());
  let ms = 0;
  for (let i = 0; i < dash; i++) {
    const digit = id[i]! - ZERO;
    if (digit < 0 || digit > 9) return offsetOfStreamId(id.toString());
    ms = ms * 10 + digit;
  }
  let seq = 0;
  for (let i = dash + 1; i < id.length; i++) {
    const digit = id[i]! - ZERO;
    if (digit < 0 || digit > 9) return offsetOfStreamId(id.toString());
    seq = seq * 10 + digit;
  }
  if (seq >= SEQUENCES_PER_MS) return offsetOfStreamId(id.toString());
  return ms * SEQUENCES_PER_MS + seq;
}

const DASH = 0x2d;
const ZERO = 0x30;

/** The stream id of `offset`: where reading from that offset on starts. */
export function streamIdOfOffset(offset: number): string {
  return `${Math.floor(offset / SEQUENCES_PER_MS)}-${offset % SEQUENCES_PER_MS}`;
}

/** The first stream id at or after `ms` (milliseconds since the epoch). */
export function streamIdAtTime(ms: number): string {
  return `${ms}-0`;
}

/** The Redis keys of the streams of the instances sharing `prefix`. */
export interface RedisStreamKeys {
  /** Every retained message of every destination, in publish order: what each instance reads from its last id. */
  readonly feed: string;
  /** How many messages the feed was given: each entry's number, so a reader can tell how many it missed. */
  readonly feedCount: string;
  /** One destination's log, the one subscribers replay. */
  log(destination: string): string;
  /** The last id given in a destination's log, so ids keep growing even once its entries are trimmed. */
  lastId(destination: string): string;
}

export function redisStreamKeys(prefix: string): RedisStreamKeys {
  return {
    feed: `${prefix}:feed`,
    feedCount: `${prefix}:feed-count`,
    log: (destination) => `${prefix}:log:${destination}`,
    lastId: (destination) => `${prefix}:last-id:${destination}`,
  };
}
