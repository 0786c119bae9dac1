/** Lost, duplicated and out-of-order messages: each must be zero. */
export interface IntegrityReport {
  readonly expected: number;
  readonly received: number;
  readonly lost: number;
  readonly duplicated: number;
  readonly outOfOrder: number;
  /** Messages whose body was not a bench payload. */
  readonly malformed: number;
}

/** Gaps remembered one by one up to this many per stream; past it they only count as lost. */
const MAX_REMEMBERED_GAPS = 100_000;

/**
 * Integrity of one stream (one sender's sequence as one receiver sees it), in O(1) per message while
 * delivery is in order: only the numbers skipped by a gap are remembered, to tell a late arrival
 * (out of order) from a second copy (duplicate).
 */
export class SequenceTracker {
  received = 0;
  private next = 0;
  private duplicated = 0;
  private outOfOrder = 0;
  private malformed = 0;
  private forgottenGaps = 0;
  private readonly missing = new Set<number>();

  record(seq: number): void {
    this.received++;
    if (seq === this.next) {
      this.next++;
    } else if (seq < 0) {
      this.malformed++;
    } else if (seq > this.next) {
      this.outOfOrder++;
      for (let skipped = this.next; skipped < seq; skipped++) {
        if (this.missing.size < MAX_REMEMBERED_GAPS) this.missing.add(skipped);
        else this.forgottenGaps++;
      }
      this.next = seq + 1;
    } else if (this.missing.delete(seq)) {
      this.outOfOrder++;
    } else {
      this.duplicated++;
    }
  }

  /** The report once `sent` messages were sent on the stream and delivery is over. */
  report(sent: number): IntegrityReport {
    const lost = this.missing.size + this.forgottenGaps + Math.max(0, sent - this.next);
    return { expected: sent, received: this.received, lost, duplicated: this.duplicated, outOfOrder: this.outOfOrder, malformed: this.malformed };
  }
}

export function sumIntegrity(reports: readonly IntegrityReport[]): IntegrityReport {
  const total = { expected: 0, received: 0, lost: 0, duplicated: 0, outOfOrder: 0, malformed: 0 };
  for (const report of reports) {
    for (const key of Object.keys(total) as Array<keyof IntegrityReport>) total[key] += report[key];
  }
  return total;
}

export function isIntact(report: IntegrityReport): boolean {
  return report.lost === 0 && report.duplicated === 0 && report.outOfOrder === 0 && report.malformed === 0;
}
