import { StompProtocolError } from '../errors/stomp-protocol.error.js';
import type { StompEvents } from '../events/stomp-events.js';
import type { SessionOutlet } from '../interfaces/stomp-session.interface.js';
import { isClientCommand, mayHaveBody } from '../protocol/stomp-commands.js';
import type { StompFrame, StompHeaders } from '../protocol/stomp-frame.js';
import { truncate } from '../util/truncate.js';
import { requireHeader } from './required-header.js';
import { SessionTransactions, type TransactionLimits } from './session-transactions.js';
import type { StompFrameRouter } from './stomp-frame-router.js';
import type { SubscriptionTable } from './subscription-table.js';
import type { UnconfirmedSends } from './unconfirmed-sends.js';

/**
 * What the frames of a CONNECTED session do: SEND (pipelined to the broker when nobody waits on
 * it), SUBSCRIBE/UNSUBSCRIBE through the subscription table, ACK/NACK, and transactions, which
 * hold SENDs and acknowledgements until COMMIT. Each returns a promise when its effect is
 * asynchronous; the session acknowledges the frame once it settles.
 */
export class FrameEffects {
  /** Made at the first frame that names a transaction: most sessions never begin one. */
  private openTransactions: SessionTransactions | undefined;

  constructor(
    private readonly session: SessionOutlet,
    private readonly router: StompFrameRouter,
    private readonly events: Pick<StompEvents, 'emit'>,
    private readonly subscriptions: SubscriptionTable,
    private readonly unconfirmed: UnconfirmedSends,
    /** How many transactions the session may open, and what they may hold (options maxTransactions*, maxFramesPerTransaction). */
    private readonly transactionLimits: TransactionLimits,
  ) {}

  private get transactions(): SessionTransactions {
    return (this.openTransactions ??= new SessionTransactions(this.transactionLimits));
  }

  /** The checks every client frame passes, CONNECT included: a known command, a body only where one may be. */
  check({ command, body }: StompFrame): void {
    if (!isClientCommand(command)) {
      throw new StompProtocolError('STOMP_ERR_UNKNOWN_COMMAND', `Unknown STOMP command '${truncate(command)}'`);
    }
    if (body.length > 0 && !mayHaveBody(command)) {
      throw new StompProtocolError('STOMP_ERR_UNEXPECTED_BODY', `${command} frame must not have a body`);
    }
  }

  /** The effect of a checked frame other than CONNECT/STOMP. */
  apply(frame: StompFrame): void | Promise<void> {
    const { headers } = frame;
    switch (frame.command) {
      case 'SEND':
        return this.onSend(frame);
      case 'SUBSCRIBE':
        return this.onSubscribe(headers);
      case 'UNSUBSCRIBE':
        return this.onUnsubscribe(headers);
      case 'ACK':
      case 'NACK':
        return this.onAck(frame);
      case 'BEGIN':
        this.transactions.begin(requireHeader(headers, 'transaction', 'BEGIN'));
        return;
      case 'COMMIT':
        return this.onCommit(headers);
      case 'ABORT':
        this.transactions.abort(requireHeader(headers, 'transaction', 'ABORT'));
        return;
    }
    // DISCONNECT: the session closes once it is acknowledged.
  }

  /** The session ended: open transactions are dropped. */
  clear(): void {
    this.openTransactions?.clear();
  }

  private onSend(frame: StompFrame): void | Promise<void> {
    const destination = requireHeader(frame.headers, 'destination', 'SEND');
    const transaction = frame.headers.transaction;
    if (transaction !== undefined) {
      this.transactions.checkHold(transaction, 'SEND');
      // Refuse an undeliverable SEND now: a COMMIT must not fail halfway through.
      this.router.checkSend(this.session, destination);
      this.transactions.hold(transaction, frame);
      return;
    }
    // Nobody waits on a SEND without a receipt to the broker: pipelined, it costs no broker round trip.
    if (frame.headers.receipt === undefined && this.router.goesToBroker(destination) && this.unconfirmed.hasRoomFor(frame.body.length)) {
      const published = this.router.send(this.session, destination, frame.headers, frame.body);
      if (published) this.unconfirmed.add(published, frame.body.length);
      return;
    }
    return this.router.send(this.session, destination, frame.headers, frame.body);
  }

  private onSubscribe(headers: StompHeaders): void | Promise<void> {
    const request = this.subscriptions.admit(headers, this.session.version);
    const result = this.router.subscribe(this.session, request.id, request.destination, headers);
    const record = () => {
      if (this.session.isClosed) return;
      this.subscriptions.add(request);
      this.events.emit({ type: 'subscribe', session: this.session, subscriptionId: request.id, destination: request.destination });
    };
    if (result) return result.then(record);
    record();
  }

  private onUnsubscribe(headers: StompHeaders): void {
    const id = this.subscriptions.unsubscribeId(headers, this.session.version);
    // Unsubscribing twice is harmless: the first one already took effect.
    const destination = this.subscriptions.remove(id);
    if (destination === undefined) return;
    this.router.unsubscribe(this.session, id, destination);
    this.events.emit({ type: 'unsubscribe', session: this.session, subscriptionId: id, destination });
  }

  /** Checked here; the broker (or the user destinations, for a user message) settles them. */
  private onAck(frame: StompFrame): void | Promise<void> {
    const idHeader = this.session.version === '1.2' ? 'id' : 'message-id';
    requireHeader(frame.headers, idHeader, frame.command);
    if (frame.headers.transaction !== undefined) {
      this.transactions.hold(frame.headers.transaction, frame);
      return;
    }
    return this.router.acknowledge(this.session, frame.command as 'ACK' | 'NACK', frame.headers);
  }

  private async onCommit(headers: StompHeaders): Promise<void> {
    const frames = this.transactions.commit(requireHeader(headers, 'transaction', 'COMMIT'));
    for (const frame of frames) {
      if (frame.command === 'SEND') await this.router.send(this.session, frame.headers.destination!, frame.headers, frame.body);
      else await this.router.acknowledge(this.session, frame.command as 'ACK' | 'NACK', frame.headers);
    }
  }
}
