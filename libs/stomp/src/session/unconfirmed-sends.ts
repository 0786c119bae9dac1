/** What a pipelined SEND costs against the bound beyond its body: its headers, roughly. */
const SEND_OVERHEAD = 256;

/**
 * Broker publishes of one session that no client is waiting on (SENDs without `receipt`): the
 * session goes on with its next frames while the broker confirms these, as a pipeline, and only a
 * later receipt (or DISCONNECT) waits for them. How a relay keeps up with a publisher, instead of one
 * broker round trip per message. Bounded: past `maxCount` publishes or `maxBytes`, the session
 * waits again, so a slow broker slows the client down rather than filling memory.
 */
export class UnconfirmedSends {
  /** Made on the first publish: most sessions never pipeline one, and idle ones should cost little. */
  private pending: Set<Promise<void>> | undefined;
  private bytes = 0;

  constructor(
    private readonly limits: { readonly maxCount: number; readonly maxBytes: number },
    /** Reports a refused publish; must not throw. */
    private readonly onFailure: (error: unknown) => void,
  ) {}

  /** Whether one more publish of `bodyLength` bytes may go without waiting. */
  hasRoomFor(bodyLength: number): boolean {
    return (this.pending?.size ?? 0) < this.limits.maxCount && this.bytes + bodyLength + SEND_OVERHEAD <= this.limits.maxBytes;
  }

  add(publish: Promise<void>, bodyLength: number): void {
    const cost = bodyLength + SEND_OVERHEAD;
    this.bytes += cost;
    const pending = (this.pending ??= new Set());
    const settled = publish.then(undefined, (error: unknown) => this.onFailure(error));
    const release = () => {
      pending.delete(settled);
      this.bytes -= cost;
    };
    pending.add(settled);
    settled.then(release, release);
  }

  /** Settles once every publish added so far has (a failure has been reported by then); `undefined` when none is pending. */
  settled(): Promise<void> | undefined {
    if (!this.pending || this.pending.size === 0) return undefined;
    return Promise.allSettled(this.pending).then(() => undefined);
  }
}
