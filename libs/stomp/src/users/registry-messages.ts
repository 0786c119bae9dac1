/**
 * What instances tell each other about their users (Spring's `MultiServerUserRegistry` sends a
 * full snapshot every 10 s; here changes go out as deltas, and a full snapshot only when another
 * instance needs one).
 *
 * Every update carries the sender's sequence number, one more than its previous update: a receiver
 * that sees a gap (a message lost while Redis was away), or an instance it does not know, asks that
 * instance for a full snapshot. A full snapshot is one or more updates, the first marked `reset`, the
 * last `end`; the receiver swaps it in whole once the last part arrives.
 *
 * Operations are compact JSON arrays, subscriptions flattened to `[id, destination, id, destination...]`:
 * - `['+', sessionId, user, [id, destination, ...]]` a session and its subscriptions;
 * - `['-', sessionId]` the session ended;
 * - `['s', sessionId, [id, destination, ...]]` subscriptions added (or changed) to a session;
 * - `['u', sessionId, [id, ...]]` subscriptions removed.
 */
export type RegistryOperation =
  | readonly ['+', string, string, readonly string[]]
  | readonly ['-', string]
  | readonly ['s', string, readonly string[]]
  | readonly ['u', string, readonly string[]];

export interface RegistryUpdate {
  readonly kind: 'user-registry-update';
  readonly from: string;
  readonly seq: number;
  /** The first part of a full snapshot: what follows, up to `end`, replaces everything known of the sender. */
  readonly reset?: true;
  /** The last part of a full snapshot. */
  readonly end?: true;
  readonly ops: readonly RegistryOperation[];
}

/** Sent every few seconds: the sender is alive, and `seq` is its last update (a receiver behind it lost one). */
export interface RegistryHeartbeat {
  readonly kind: 'user-registry-heartbeat';
  readonly from: string;
  readonly seq: number;
}

/** Asks instance `to` (`'*'`: every instance) for a full snapshot. */
export interface RegistryRequest {
  readonly kind: 'user-registry-request';
  readonly from: string;
  readonly to: string;
}

/**
 * Packs encoded operations into messages of at most `maxBytes` (a message holds at least one
 * operation, so one larger operation makes one larger message). Operations are encoded once, as
 * strings, and measured as they are added: no message is encoded twice to learn its size.
 */
export class RegistryUpdateWriter {
  readonly parts: string[][] = [];
  private current: string[] = [];
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  get isEmpty(): boolean {
    return this.parts.length === 0 && this.current.length === 0;
  }

  /** A session and all its subscriptions (split over several operations if they are many). */
  session(sessionId: string, user: string, subscriptions: Iterable<readonly [string, string]>): void {
    const pairs: string[] = [];
    for (const [id, destination] of subscriptions) pairs.push(`${JSON.stringify(id)},${JSON.stringify(destination)}`);
    this.list(`["+",${JSON.stringify(sessionId)},${JSON.stringify(user)},[`, `["s",${JSON.stringify(sessionId)},[`, pairs, true);
  }

  ended(sessionId: string): void {
    this.add(`["-",${JSON.stringify(sessionId)}]`);
  }

  subscribed(sessionId: string, subscriptions: Iterable<readonly [string, string]>): void {
    const pairs: string[] = [];
    for (const [id, destination] of subscriptions) pairs.push(`${JSON.stringify(id)},${JSON.stringify(destination)}`);
    const head = `["s",${JSON.stringify(sessionId)},[`;
    this.list(head, head, pairs, false);
  }

  unsubscribed(sessionId: string, subscriptionIds: Iterable<string>): void {
    const ids = [...subscriptionIds].map((id) => JSON.stringify(id));
    const head = `["u",${JSON.stringify(sessionId)},[`;
    this.list(head, head, ids, false);
  }

  /** The operations, in messages of at most `maxBytes`. */
  finish(): string[][] {
    if (this.current.length > 0) this.parts.push(this.current);
    this.current = [];
    this.bytes = 0;
    return this.parts;
  }

  /** `first` opens the list, `rest` continues it in further operations when it does not fit one. */
  private list(first: string, rest: string, items: readonly string[], evenIfEmpty: boolean): void {
    if (items.length === 0) {
      if (evenIfEmpty) this.add(`${first}]]`);
      return;
    }
    let head = first;
    let chunk: string[] = [];
    let size = Buffer.byteLength(head) + 2;
    for (const item of items) {
      const itemSize = Buffer.byteLength(item) + 1;
      if (chunk.length > 0 && size + itemSize > this.maxBytes) {
        this.add(`${head}${chunk.join(',')}]]`);
        head = rest;
        chunk = [];
        size = Buffer.byteLength(head) + 2;
      }
      chunk.push(item);
      size += itemSize;
    }
    this.add(`${head}${chunk.join(',')}]]`);
  }

  private add(operation: string): void {
    const size = Buffer.byteLength(operation) + 1;
    if (this.current.length > 0 && this.bytes + size > this.maxBytes) {
      this.parts.push(this.current);
      this.current = [];
      this.bytes = 0;
    }
    this.current.push(operation);
    this.bytes += size;
  }
}

/** One update as sent: `ops` already encoded by {@link RegistryUpdateWriter}. */
export function encodeUpdate(from: string, seq: number, ops: readonly string[], flags: { reset?: boolean; end?: boolean } = {}): string {
  const reset = flags.reset ? ',"reset":true' : '';
  const end = flags.end ? ',"end":true' : '';
  return `{"kind":"user-registry-update","from":${JSON.stringify(from)},"seq":${seq}${reset}${end},"ops":[${ops.join(',')}]}`;
}
