import type { DisconnectReason } from '../events/stomp-event.js';
import type { OutgoingFrame } from '../protocol/frame-encoder.js';
import type { StompFrame } from '../protocol/stomp-frame.js';
import { CloseCode } from './close-code.js';
import type { UnconfirmedSends } from './unconfirmed-sends.js';

/** What the receipts need of their session. */
export interface ReceiptingSession {
  readonly isClosed: boolean;
  sendFrame(frame: OutgoingFrame): void;
  close(code: number, reason: DisconnectReason): void;
}

/**
 * A frame's RECEIPT, sent once the frame took effect. A RECEIPT (or DISCONNECT) also says that every
 * frame before it took effect: it waits for the pipelined SENDs still pending by then.
 */
export class FrameReceipts {
  constructor(
    private readonly session: ReceiptingSession,
    private readonly unconfirmed: Pick<UnconfirmedSends, 'settled'>,
  ) {}

  /** Acknowledges `frame` once its `effect` is done. */
  after(frame: StompFrame, effect: void | Promise<void>): void | Promise<void> {
    const confirmsEarlier = frame.headers.receipt !== undefined || frame.command === 'DISCONNECT';
    if (!confirmsEarlier) return effect ? effect.then(() => this.acknowledge(frame)) : this.acknowledge(frame);
    const earlier = effect ? effect.then(() => this.unconfirmed.settled()) : this.unconfirmed.settled();
    if (!earlier) return this.acknowledge(frame);
    return earlier.then(() => this.acknowledge(frame));
  }

  private acknowledge(frame: StompFrame): void {
    if (this.session.isClosed) return;
    const receipt = frame.headers.receipt;
    if (receipt !== undefined && frame.command !== 'CONNECT' && frame.command !== 'STOMP') {
      this.session.sendFrame({ command: 'RECEIPT', headers: { 'receipt-id': receipt } });
    }
    if (frame.command === 'DISCONNECT') this.session.close(CloseCode.NORMAL, 'client');
  }
}
