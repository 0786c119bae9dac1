import type { StreamOffset } from './stream-offset.js';

/** The limits of one destination's log: those of the `retention` rule that keeps it. */
export interface MemoryLogLimits {
  readonly maxMessages: number;
  /** ms an entry is kept. */
  readonly maxAge: number;
  readonly maxBytes: number;
}

/** One message kept in a log: its headers (without `destination`) and body, as the broker published it. */
export interface LoggedMessage {
  readonly offset: number;
  /** When it was stored, ms since the epoch; never earlier than the entry before it. */
  readonly timestamp: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  /** What it counts against `maxBytes`: body and header bytes. */
  readonly bytes: number;
}

/** What a message costs its log: its body and the UTF-8 bytes of its header names and values. */
export function messageBytes(headers: Readonly<Record<string, string>>, body: Buffer): number {
  let bytes = body.length;
  for (const name in headers) bytes += Buffer.byteLength(name, 'utf8') + Buffer.byteLength(headers[name]!, 'utf8');
  return bytes;
}

/**
 * One retained destination's messages in memory, oldest first, bounded by its rule: past
 * `maxMessages` or `maxBytes` the oldest go first; entries older than `maxAge` are dropped when the
 * log is next written or read ({@link dropExpired}). Offsets increase by one per message from
 * `firstOffset`, and timestamps never decrease, so both are found by binary search.
 */
export class MemoryLog {
  // A queue as an array and the index of its head: shift() on a long array costs its length.
  private entries: LoggedMessage[] = [];
  private head = 0;
  private byteCount = 0;
  private nextOffsetValue: number;
  private lastTimestamp = 0;

  constructor(
    readonly limits: MemoryLogLimits,
    firstOffset: number,
  ) {
    this.nextOffsetValue = firstOffset;
  }

  /** Entries kept. */
  get size(): number {
    return this.entries.length - this.head;
  }

  /** Bytes kept (bodies and headers). */
  get bytes(): number {
    return this.byteCount;
  }

  /** The offset the next message gets. */
  get nextOffset(): number {
    return this.nextOffsetValue;
  }

  /** The oldest entry kept, if any. */
  get oldest(): LoggedMessage | undefined {
    return this.entries[this.head];
  }

  /**
   * Stores a message under the next offset, written into its headers as `offsetHeader`, then
   * evicts what the limits no longer allow (the new entry itself when it alone is over `maxBytes`).
   * The body is copied when it is a view into a larger buffer, so the log holds only its own bytes.
   */
  append(headers: Readonly<Record<string, string>>, body: Buffer, offsetHeader: string, now: number): LoggedMessage {
    const offset = this.nextOffsetValue++;
    const stored = { ...headers, [offsetHeader]: String(offset) };
    const ownBody = body.byteLength === body.buffer.byteLength ? body : copyOf(body);
    this.lastTimestamp = Math.max(this.lastTimestamp, now);
    const entry: LoggedMessage = { offset, timestamp: this.lastTimestamp, headers: stored, body: ownBody, bytes: messageBytes(stored, ownBody) };
    this.entries.push(entry);
    this.byteCount += entry.bytes;
    this.dropExpired(now);
    while (this.size > this.limits.maxMessages || this.byteCount > this.limits.maxBytes) this.evictOldest();
    return entry;
  }

  /** Drops the entries older than `maxAge`. */
  dropExpired(now: number): void {
    const oldestAllowed = now - this.limits.maxAge;
    while (this.size > 0 && this.entries[this.head]!.timestamp < oldestAllowed) this.evictOldest();
  }

  /** Removes the oldest entry; the bytes it freed (0 when empty). */
  evictOldest(): number {
    const entry = this.entries[this.head];
    if (!entry) return 0;
    this.entries[this.head++] = undefined as never;
    this.byteCount -= entry.bytes;
    if (this.head === this.entries.length) {
      this.entries = [];
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
    return entry.bytes;
  }

  /**
   * The entries a subscription starting at `start` reads before new ones, oldest first (expired
   * ones dropped first): none for `next`, all for `first`, the newest for `last`, those from an
   * offset on (all when it was evicted already, none when it is still to come), those stored at or
   * after a time.
   */
  readFrom(start: StreamOffset, now: number): LoggedMessage[] {
    this.dropExpired(now);
    switch (start.kind) {
      case 'next':
        return [];
      case 'first':
        return this.entries.slice(this.head);
      case 'last':
        return this.size > 0 ? [this.entries[this.entries.length - 1]!] : [];
      case 'offset':
        return this.entries.slice(this.firstIndexWhere((entry) => entry.offset >= start.offset));
      case 'timestamp':
        return this.entries.slice(this.firstIndexWhere((entry) => entry.timestamp >= start.timestamp));
    }
  }

  /** The index of the first entry for which `reached` holds (entries are sorted for it); past the end when none. */
  private firstIndexWhere(reached: (entry: LoggedMessage) => boolean): number {
    let low = this.head;
    let high = this.entries.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (reached(this.entries[middle]!)) high = middle;
      else low = middle + 1;
    }
    return low;
  }
}

function copyOf(body: Buffer): Buffer {
  const copy = Buffer.allocUnsafeSlow(body.length);
  body.copy(copy);
  return copy;
}
