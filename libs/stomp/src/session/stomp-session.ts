import { randomSessionId } from '../util/session-id.js';
import type { StompLogger } from '../util/stomp-logger.js';
import { StompProtocolError } from '../errors/stomp-protocol.error.js';
import type { DisconnectReason } from '../events/stomp-event.js';
import type { StompEvents } from '../events/stomp-events.js';
import type { StompHandshake, StompPrincipal } from '../interfaces/stomp-principal.interface.js';
import type { SessionOutlet } from '../interfaces/stomp-session.interface.js';
import type { SessionCloseCause, StompCounters } from '../interfaces/stomp-counters.js';
import { FrameDecoder, type FrameDecoderHandlers } from '../protocol/frame-decoder.js';
import type { OutgoingFrame } from '../protocol/frame-encoder.js';
import { HeartBeatTimers } from '../protocol/heart-beat-timers.js';
import type { MessageFrameTemplate } from '../protocol/message-frame-template.js';
import type { StompFrame } from '../protocol/stomp-frame.js';
import type { StompVersion } from '../protocol/stomp-version.js';
import { closeCauseOf, errorCodeOf } from './close-cause.js';
import { CloseCode } from './close-code.js';
import { ConnectHandshake, type ConnectAgreement } from './connect-handshake.js';
import { closeReasonText, frameFailure, sessionFailure } from './error-frames.js';
import { FrameEffects } from './frame-effects.js';
import { FrameReceipts } from './frame-receipts.js';
import { IncompleteFrameWatch } from './incomplete-frame-watch.js';
import { InboundQueue, type InboundConsumer } from './inbound-queue.js';
import { InterceptorChains } from './interceptor-chains.js';
import { OutboundFrames, type WriteWatcher } from './outbound-frames.js';
import { SendLimits } from './send-limits.js';
import type { SessionSettings } from './session-settings.js';
import type { StompConnection, StompConnectionListener } from './stomp-connection.js';
import type { StompFrameRouter } from './stomp-frame-router.js';
import { SubscriptionTable } from './subscription-table.js';
import { UnconfirmedSends } from './unconfirmed-sends.js';

const HEARTBEAT_EOL = Buffer.from('\n');

type SessionState = 'awaiting-connect' | 'connected' | 'closed';

/**
 * One STOMP session over one connection, and the coordinator of its parts: the inbound queue (one
 * frame at a time, in arrival order, even when a handler is asynchronous), the CONNECT handshake,
 * heart-beats, what each frame does ({@link FrameEffects}: subscriptions, transactions, pipelined
 * SENDs), receipts, the outbound frames and their interceptors, and ERROR + close on any violation.
 */
export class StompClientSession implements SessionOutlet, StompConnectionListener, FrameDecoderHandlers, InboundConsumer, WriteWatcher {
  readonly id = randomSessionId();
  /** Negotiated at CONNECT; 1.2 until then. */
  version: StompVersion = '1.2';
  /**
   * Who the session belongs to: set by `authenticate`, or by an inbound interceptor at CONNECT.
   * `undefined`: anonymous (its user destinations are the session's own).
   */
  principal: StompPrincipal | undefined;
  /** When CONNECTED was sent (ms since the epoch); `undefined` before. */
  connectedAt: number | undefined;

  private state: SessionState = 'awaiting-connect';
  private readonly decoder: FrameDecoder;
  private readonly settings: SessionSettings;
  private readonly inbound: InboundQueue;
  private readonly connectHandshake: ConnectHandshake;
  /** Made when an interval is agreed: with heart-beats off (0,0) a session never needs them. */
  private heartBeats: HeartBeatTimers | undefined;
  private readonly subscriptions: SubscriptionTable;
  private readonly unconfirmed: UnconfirmedSends;
  private readonly effects: FrameEffects;
  private readonly receipts: FrameReceipts;
  private readonly interceptors: InterceptorChains;
  private readonly outbound: OutboundFrames;
  /** Made at the first frame that arrives in pieces: most clients send one whole frame per message. */
  private incompleteFrames: IncompleteFrameWatch | undefined;
  private attributesMap: Map<string, unknown> | undefined;
  /** Why the session ends, when a failure said so before the close. */
  private closeCause: SessionCloseCause | undefined;

  constructor(
    private readonly connection: StompConnection,
    settings: SessionSettings,
    private readonly router: StompFrameRouter,
    private readonly logger: StompLogger,
    private readonly events: StompEvents,
    private readonly counters: StompCounters,
    /** Where the session is listed while open: it takes itself off when it ends. */
    private readonly openSessions: { remove(session: StompClientSession): void },
  ) {
    // The session is its connection's listener, its decoder's handler and its queue's consumer
    // itself: one object per session rather than a closure per callback.
    this.settings = settings;
    this.inbound = new InboundQueue(settings, this);
    this.decoder = new FrameDecoder(this, settings);
    connection.listen(this);
    this.connectHandshake = new ConnectHandshake(settings, router, events, (error) => this.fail(error, undefined, CloseCode.SESSION_LIMIT));
    this.interceptors = InterceptorChains.of(settings.interceptors, logger);
    this.outbound = new OutboundFrames(
      connection,
      this.interceptors,
      new SendLimits(settings.sendBufferSizeLimit, settings.sendTimeLimit),
      this,
    );
    this.subscriptions = new SubscriptionTable(settings.maxSubscriptionsPerSession);
    this.unconfirmed = new UnconfirmedSends({ maxCount: settings.maxUnconfirmedSends, maxBytes: settings.maxUnconfirmedSendBytes }, (error) =>
      this.onPipelinedSendFailed(error),
    );
    this.receipts = new FrameReceipts(this, this.unconfirmed);
    this.effects = new FrameEffects(this, router, events, this.subscriptions, this.unconfirmed, settings);
  }

  /** Free for the application: anything it wants to keep with the session. Made when first read: most sessions keep nothing. */
  get attributes(): Map<string, unknown> {
    return (this.attributesMap ??= new Map());
  }

  /** The user name of user destinations: the principal's, or the session id when anonymous. */
  get userName(): string {
    return this.principal?.name ?? this.id;
  }

  get transport(): 'websocket' | 'sockjs' {
    return this.connection.transport;
  }

  /** @internal The client's address, without making a {@link handshake} object (the registry counts sessions per address). */
  get remoteAddress(): string | undefined {
    return this.connection.remoteAddress;
  }

  get handshake(): StompHandshake {
    return { headers: this.connection.headers, url: this.connection.url, remoteAddress: this.connection.remoteAddress };
  }

  get bufferedAmount(): number {
    return this.connection.bufferedAmount;
  }

  get bytesReceived(): number {
    return this.connection.bytesReceived;
  }

  get bytesSent(): number {
    return this.connection.bytesSent;
  }

  get isConnected(): boolean {
    return this.state === 'connected';
  }

  get isClosed(): boolean {
    return this.state === 'closed';
  }

  /** Subscription ids of this session and their destinations. */
  get subscriptionDestinations(): ReadonlyMap<string, string> {
    return this.subscriptions.destinations;
  }

  /** Writes encoded bytes (a MESSAGE from a broker of the application's own) to the client. */
  deliver(bytes: Buffer, binary: boolean): void {
    if (this.state === 'closed') return;
    this.counters.messagesDelivered++;
    this.outbound.deliver(this, bytes, binary);
  }

  // The fan-out's path: one increment per delivery, nothing else is counted here.
  deliverMessage(template: MessageFrameTemplate, subscriptionId: string, messageId: string, ack?: string): void {
    if (this.state === 'closed') return;
    this.counters.messagesDelivered++;
    this.outbound.deliverMessage(this, template, subscriptionId, messageId, ack);
  }

  deliverFrame(frame: StompFrame, binary: boolean): void {
    if (this.state === 'closed') return;
    this.counters.messagesDelivered++;
    this.outbound.deliverFrame(this, frame, binary);
  }

  sendFrame(frame: OutgoingFrame): void {
    if (this.state === 'closed') return;
    this.counters.frameSent(frame.command);
    this.outbound.send(this, frame);
  }

  /** The broker dropped the session (its relay connection died): tell the client and end it. */
  brokerLost(reason: string): void {
    this.fail(new StompProtocolError('STOMP_ERR_BROKER_LOST', reason), undefined);
  }

  /** Sends ERROR with `message`, then closes. Nothing else is processed for the session. */
  fail(
    error: StompProtocolError | Error,
    receiptId: string | undefined,
    closeCode: number = CloseCode.PROTOCOL_ERROR,
    reason: DisconnectReason = 'error',
  ): void {
    if (this.state === 'closed') return;
    // One client's error (or the shutdown, summed up by the server): routine, so debug.
    if (this.logger.isDebugWritten()) this.logger.debug(`Session ${this.id}: ${error.message}`);
    this.counters.errorSent(errorCodeOf(error, reason));
    this.closeCause ??= closeCauseOf(error, reason);
    const failure = sessionFailure(error, receiptId, closeCode, reason);
    this.sendFrame(failure.frame);
    this.close(failure.closeCode, failure.reason);
  }

  /** Ends the session and closes the connection after what was sent has been flushed. */
  close(code: number, reason: DisconnectReason): void {
    if (this.state === 'closed') return;
    this.end(reason);
    this.connection.close(code, closeReasonText(reason));
  }

  /** @internal The inbound queue's turn for `frame`: inbound interceptors, then the frame's effect, then its RECEIPT. */
  process(frame: StompFrame): void | Promise<void> {
    if (!this.interceptors.hasInbound) return this.receipts.after(frame, this.handle(frame));
    const intercepted = this.interceptors.applyInbound(frame, this);
    if (intercepted instanceof Promise) return intercepted.then((f) => this.afterInterceptors(frame, f));
    return this.afterInterceptors(frame, intercepted);
  }

  /** @internal Processing `frame` failed. */
  frameFailed(frame: StompFrame, error: unknown): void {
    const { error: reported, unexpected } = frameFailure(frame, error);
    if (unexpected) this.logger.error(`Session ${this.id}: ${frame.command} failed: ${unexpected.message}`, unexpected.stack);
    this.fail(reported, frame.headers.receipt);
  }

  /** @internal A decoding error, or a limit the input broke. */
  refuse(error: StompProtocolError): void {
    this.fail(error, undefined);
  }

  /** @internal A bug of ours must cost this session, never the process (this may run in a socket callback). */
  crashed(error: unknown, what = 'failed to report an error'): void {
    this.logger.error(`Session ${this.id}: ${what}`, (error as Error).stack);
    this.closeCause ??= 'internal';
    this.end('error');
    this.connection.terminate();
  }

  /** @internal Data from the connection. */
  onData(data: Buffer | string): void {
    if (this.state === 'closed') return;
    this.heartBeats?.received();
    try {
      this.decoder.push(data);
      const pending = this.decoder.bufferedBytes;
      if (pending > 0 || this.incompleteFrames) this.incompleteFrameWatch().received(data.length, pending);
    } catch (error) {
      this.crashed(error, 'failed on incoming data');
    }
  }

  /** @internal The connection closed. */
  onClose(): void {
    this.end('transport');
  }

  /** @internal A whole frame from the decoder. */
  onFrame(frame: StompFrame): void {
    this.counters.frameReceived(frame.command);
    this.incompleteFrames?.frameCompleted();
    this.inbound.push(frame);
  }

  /** @internal A heart-beat from the client: receiving data already pushed the receive timer back. */
  onHeartbeat(): void {}

  /** @internal The decoder's verdict on bad input: it waits its turn behind the frames before it. */
  onError(error: StompProtocolError): void {
    this.inbound.push(error);
  }

  private incompleteFrameWatch(): IncompleteFrameWatch {
    return (this.incompleteFrames ??= new IncompleteFrameWatch(this.settings, (reason) =>
      this.fail(new StompProtocolError('STOMP_ERR_LIMIT', reason), undefined, CloseCode.SESSION_LIMIT),
    ));
  }

  /** A dropped frame is acknowledged as if it took effect; a dropped CONNECT cannot be, so it is refused. */
  private afterInterceptors(original: StompFrame, frame: StompFrame | null): void | Promise<void> {
    if (frame) return this.receipts.after(frame, this.handle(frame));
    if (original.command === 'CONNECT' || original.command === 'STOMP') throw StompProtocolError.refused(original.command, 'an interceptor dropped it');
    return this.receipts.after(original, undefined);
  }

  private handle(frame: StompFrame): void | Promise<void> {
    this.effects.check(frame);
    if (frame.command === 'CONNECT' || frame.command === 'STOMP') {
      const agreed = this.connectHandshake.accept(this, frame.headers);
      return agreed instanceof Promise ? agreed.then((agreement) => this.onConnected(agreement)) : this.onConnected(agreed);
    }
    if (this.state !== 'connected') {
      throw new StompProtocolError('STOMP_ERR_NOT_CONNECTED', `Received ${frame.command} before CONNECT: the first frame must be CONNECT or STOMP`);
    }
    return this.effects.apply(frame);
  }

  private onConnected(agreement: ConnectAgreement | undefined): void {
    if (!agreement || this.state === 'closed') return;
    this.version = agreement.version;
    this.decoder.version = agreement.version;
    this.state = 'connected';
    this.connectedAt = Date.now();
    this.connectHandshake.stopTimer();
    this.sendFrame(this.connectHandshake.connectedFrame(this, agreement));
    const { sendInterval, receiveTimeout } = agreement.heartBeat;
    if (sendInterval > 0 || receiveTimeout > 0) {
      this.heartBeats = new HeartBeatTimers(
        () => this.connection.send(HEARTBEAT_EOL, false),
        (timeout) => this.fail(new StompProtocolError('STOMP_ERR_HEART_BEAT_TIMEOUT', `No frame or heart-beat from the client for ${timeout} ms`), undefined),
      );
      this.heartBeats.start(agreement.heartBeat);
    }
    if (this.logger.isDebugWritten()) this.logger.debug(`Session ${this.id} connected (${this.connection.transport} from ${this.connection.remoteAddress ?? 'an unknown address'}${this.principal ? `, user ${this.principal.name}` : ''})`);
    this.events.emit({ type: 'connected', session: this });
  }

  /** @internal Something was written: the next heart-beat is due a whole interval from now. */
  written(): void {
    this.heartBeats?.sent();
  }

  /** @internal The client reads too slowly: it is closed (4500, as Spring), so it costs neither memory nor the others' latency. */
  tooSlow(reason: string): void {
    this.logger.warn(`Session ${this.id} closed: the client reads too slowly: ${reason}`);
    this.end('slow-consumer');
    this.connection.close(CloseCode.SESSION_LIMIT, 'Slow consumer');
  }

  /** The broker refused a SEND the session did not wait for: the client hears of it as of any failed frame. */
  private onPipelinedSendFailed(error: unknown): void {
    const cause = error instanceof Error ? error : new Error(String(error));
    if (this.state === 'closed') {
      // Pending publishes fail with the session's own broker connection when it ends: expected.
      this.logger.debug(`Session ${this.id}: a SEND was not confirmed before the session ended: ${cause.message}`);
      return;
    }
    try {
      this.logger.error(`Session ${this.id}: SEND failed: ${cause.message}`, cause.stack);
      this.fail(new Error(`Failed to process SEND: ${cause.message}`), undefined);
    } catch (failure) {
      this.crashed(failure);
    }
  }

  /** Releases everything the session holds; runs once, whoever ends the session. */
  private end(reason: DisconnectReason): void {
    if (this.state === 'closed') return;
    const wasConnected = this.state === 'connected';
    this.state = 'closed';
    this.connectHandshake.stopTimer();
    this.heartBeats?.stop();
    this.incompleteFrames?.stop();
    this.inbound.close();
    this.effects.clear();
    if (wasConnected) this.router.disconnected(this);
    this.subscriptions.clear();
    this.counters.sessionClosed(this.closeCause ?? closeCauseOf(undefined, reason), this.connection.bytesReceived, this.connection.bytesSent);
    this.openSessions.remove(this);
    if (wasConnected) {
      if (this.logger.isDebugWritten()) this.logger.debug(`Session ${this.id} disconnected (${reason})`);
      this.events.emit({ type: 'disconnect', session: this, reason });
    }
  }
}
