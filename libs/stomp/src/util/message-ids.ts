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
}
