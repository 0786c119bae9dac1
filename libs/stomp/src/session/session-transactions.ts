import { StompProtocolError } from '../errors/stomp-protocol.error.js';
import type { StompFrame } from '../protocol/stomp-frame.js';
import { truncate } from '../util/truncate.js';

/** Transactions one session may have open, frames one transaction may hold, and bytes all of them hold. */
export interface TransactionLimits {
  readonly maxTransactionsPerSession: number;
  readonly maxFramesPerTransaction: number;
  readonly maxTransactionBytes: number;
}
/** What a held frame costs against the byte budget beyond its body: its headers, roughly. */
export const HELD_FRAME_OVERHEAD = 256;

/**
 * The open transactions of one session: the SENDs and ACK/NACKs each holds until COMMIT (which
 * takes them) or ABORT (which drops them). Bounded, so that a client cannot hoard memory with them:
 * in count, in frames per transaction, and in bytes held by all of them together (the
 * `maxTransactionBytes` option), each frame costing its body plus HELD_FRAME_OVERHEAD.
 */
export class SessionTransactions {
  /** Made at the first BEGIN: most sessions never begin one. */
  private open: Map<string, StompFrame[]> | undefined;
  /** What the open transactions hold, against `maxTransactionBytes`. */
  private heldBytes = 0;

  constructor(private readonly limits: TransactionLimits) {}

  begin(transaction: string): void {
    this.open ??= new Map();
    if (this.open.has(transaction)) {
      throw new StompProtocolError('STOMP_ERR_DUPLICATE_TRANSACTION', `Transaction '${truncate(transaction)}' has already begun`);
    }
    const max = this.limits.maxTransactionsPerSession;
    if (this.open.size >= max) {
      throw new StompProtocolError('STOMP_ERR_LIMIT', `Too many open transactions: a session may have at most ${max} (option maxTransactionsPerSession)`);
    }
    this.open.set(transaction, []);
  }

  /** Throws, as `hold` would, when `frame` cannot join `transaction`; holds nothing. */
  checkHold(transaction: string, command: string): void {
    this.framesOf(transaction, command, true);
  }

  hold(transaction: string, frame: StompFrame): void {
    const frames = this.framesOf(transaction, frame.command, true);
    const cost = frame.body.length + HELD_FRAME_OVERHEAD;
    const maxBytes = this.limits.maxTransactionBytes;
    if (this.heldBytes + cost > maxBytes) {
      throw new StompProtocolError(
        'STOMP_ERR_LIMIT',
        `Transactions would hold more than ${maxBytes} bytes (option maxTransactionBytes): COMMIT or ABORT first`,
      );
    }
    this.heldBytes += cost;
    frames.push(frame);
  }

  /** COMMIT: the frames to apply, in arrival order; the transaction is over. */
  commit(transaction: string): readonly StompFrame[] {
    const frames = this.framesOf(transaction, 'COMMIT', false);
    this.close(transaction, frames);
    return frames;
  }

  abort(transaction: string): void {
    this.close(transaction, this.framesOf(transaction, 'ABORT', false));
  }

  clear(): void {
    this.open = undefined;
    this.heldBytes = 0;
  }

  private close(transaction: string, frames: readonly StompFrame[]): void {
    this.open!.delete(transaction);
    for (const frame of frames) this.heldBytes -= frame.body.length + HELD_FRAME_OVERHEAD;
  }

  private framesOf(transaction: string, command: string, adding: boolean): StompFrame[] {
    const frames = this.open?.get(transaction);
    if (!frames) {
      throw new StompProtocolError('STOMP_ERR_UNKNOWN_TRANSACTION', `${command} names transaction '${truncate(transaction)}', which was not begun`);
    }
    const max = this.limits.maxFramesPerTransaction;
    if (adding && frames.length >= max) {
      throw new StompProtocolError('STOMP_ERR_LIMIT', `Transaction '${truncate(transaction)}' holds its limit of ${max} frames (option maxFramesPerTransaction): COMMIT it first`);
    }
    return frames;
  }
}
