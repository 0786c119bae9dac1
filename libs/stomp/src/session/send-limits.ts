/**
 * `sendBufferSizeLimit` and `sendTimeLimit` of one session: a client that does not read lets data
 * pile up in its transport's buffer; past either limit it is a slow consumer.
 */
export class SendLimits {
  /** Since when the client has had unsent data waiting. */
  private blockedSince: number | undefined;

  constructor(
    private readonly bufferSizeLimit: number,
    private readonly timeLimit: number,
  ) {}

  /** Call after each write with the transport's unsent bytes: why the client is too slow, or `undefined`. */
  check(buffered: number): string | undefined {
    if (buffered === 0) {
      this.blockedSince = undefined;
      return undefined;
    }
    const now = Date.now();
    this.blockedSince ??= now;
    if (buffered > this.bufferSizeLimit) return `${buffered} bytes wait unsent, over the limit of ${this.bufferSizeLimit} (option sendBufferSizeLimit)`;
    if (now - this.blockedSince > this.timeLimit) return `sends have been stuck for over ${this.timeLimit} ms (option sendTimeLimit)`;
    return undefined;
  }
}
