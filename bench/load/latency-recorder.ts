/** Latency samples in a fixed-size buffer (bounded memory); percentiles by sorting a copy. */
export class LatencyRecorder {
  private readonly samples: Float64Array;
  private count = 0;
  /** Samples that did not fit; reported so that a too-small capacity is visible. */
  dropped = 0;

  constructor(capacity: number) {
    this.samples = new Float64Array(Math.max(1, Math.ceil(capacity)));
  }

  get size(): number {
    return this.count;
  }

  record(milliseconds: number): void {
    if (this.count < this.samples.length) this.samples[this.count++] = milliseconds;
    else this.dropped++;
  }

  /** Nearest-rank percentiles, e.g. `percentiles([50, 99])`; NaN without samples. */
  percentiles(ranks: readonly number[]): number[] {
    const sorted = this.samples.slice(0, this.count).sort();
    return ranks.map((rank) => (this.count === 0 ? NaN : sorted[Math.min(this.count - 1, Math.ceil((rank / 100) * this.count) - 1)]!));
  }
}
