import { randomBytes } from 'node:crypto';

/**
 * `message-id`s unique across instances and restarts, not only within this process: a random
 * prefix per generator, then a counter. `kind` tells, in an id, which part of the server made it.
 */
export class MessageIds {
  /** What every id of this generator starts with. */
  readonly prefix: string;
  private count = 0;

  constructor(kind = '') {
    this.prefix = `${randomBytes(4).toString('hex')}-${kind}`;
  }

  next(): string {
    return this.prefix + (this.count++).toString(36);
  }

  /** The place of an id this generator made in its sequence (0 for the first); `undefined` for any other id. */
  sequenceOf(id: string): number | undefined {
    if (!id.startsWith(this.prefix)) return undefined;
    const digits = id.slice(this.prefix.length);
    if (!/^[0-9a-z]{1,10}$/.test(digits)) return undefined;
    const sequence = parseInt(digits, 36);
    return sequence < this.count ? sequence : undefined;
  }
}
