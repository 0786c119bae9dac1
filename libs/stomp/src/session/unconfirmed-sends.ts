/**
 * Broker publishes of one session that no client is waiting on (SENDs without `receipt`): the
 * session goes on with its next frames while the broker confirms these, as a pipeline, and only a
 * later receipt (or DISCONNECT) waits for them. How a relay keeps up with a publisher, instead of one
 * broker round trip per message.
 */
export class UnconfirmedSends {
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly onFailure: (error: unknown) => void) {}

  get size(): number {
    return this.pending.size;
  }

  add(publish: Promise<void>): void {
    const settled = publish.then(undefined, (error: unknown) => this.onFailure(error));
    this.pending.add(settled);
    void settled.then(() => this.pending.delete(settled));
  }

  /** Settles once every publish added so far has (a failure has been reported by then); `undefined` when none is pending. */
  settled(): Promise<void> | undefined {
    if (this.pending.size === 0) return undefined;
    return Promise.all(this.pending).then(() => undefined);
  }
}
