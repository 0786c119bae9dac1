import { StompProtocolError } from '../errors/stomp-protocol.error.js';
import type { StompFrame } from '../protocol/stomp-frame.js';
import { truncate } from '../util/truncate.js';

/** Transactions one session may have open, and frames one transaction may hold. */
export interface TransactionLimits {
  readonly maxTransactionsPerSession: number;
  readonly maxFramesPerTransaction: number;
}

/**
 * The open transactions of one session: the SENDs and ACK/NACKs each holds until COMMIT (which
 * takes them) or ABORT (which drops them). Bounded, so that a client cannot hoard memory with them.
 */
export class SessionTransactions {
  /** Made at the first BEGIN: most sessions never begin one. */
  private open: Map<string, StompFrame[]> | undefined;

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
    this.framesOf(transaction, frame.command, true).push(frame);
  }

  /** COMMIT: the frames to apply, in arrival order; the transaction is over. */
  commit(transaction: string): readonly StompFrame[] {
    const frames = this.framesOf(transaction, 'COMMIT', false);
    this.open!.delete(transaction);
    return frames;
  }

  abort(transaction: string): void {
    this.framesOf(transaction, 'ABORT', false);
    this.open!.delete(transaction);
  }

  clear(): void {
    this.open = undefined;
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
