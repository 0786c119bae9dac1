import type { HeldMessage } from './held-message.js';

export type ClientAckMode = 'client' | 'client-individual';

/**
 * One `client` or `client-individual` subscription's deliveries awaiting ACK/NACK, in delivery
 * order, by ack id. At most `prefetch` of them: past it the subscription is not ready, and delivery
 * to it pauses until it acknowledges (RabbitMQ's `prefetch-count`).
 */
export class UnacknowledgedMessages {
  private readonly pending = new Map<string, HeldMessage>();

  constructor(
    readonly mode: ClientAckMode,
    readonly prefetch: number,
  ) {}

  get ready(): boolean {
    return this.pending.size < this.prefetch;
  }

  get size(): number {
    return this.pending.size;
  }

  add(ackId: string, message: HeldMessage): void {
    this.pending.set(ackId, message);
  }

  /**
   * Settles the delivery `ackId` names (which must be pending) and returns what it settles, in
   * delivery order: in `client` mode every earlier delivery with it (STOMP's cumulative ACK, and
   * RabbitMQ's `multiple` NACK), in `client-individual` mode that one alone.
   */
  settle(ackId: string): Array<[string, HeldMessage]> {
    if (this.mode === 'client-individual') {
      const message = this.pending.get(ackId)!;
      this.pending.delete(ackId);
      return [[ackId, message]];
    }
    const settled: Array<[string, HeldMessage]> = [];
    for (const entry of this.pending) {
      settled.push(entry);
      if (entry[0] === ackId) break;
    }
    for (const [id] of settled) this.pending.delete(id);
    return settled;
  }

  /** Everything pending, in delivery order; nothing is pending after. */
  takeAll(): Array<[string, HeldMessage]> {
    const all = [...this.pending];
    this.pending.clear();
    return all;
  }
}
