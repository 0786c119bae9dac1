import { randomUUID } from 'node:crypto';
import type { Logger } from '@nestjs/common';
import { StompProtocolError } from '../errors/stomp-protocol.error.js';
import type { DisconnectReason } from '../events/stomp-event.js';
import type { StompEvents } from '../events/stomp-events.js';
import { FrameDecoder } from '../protocol/frame-decoder.js';
import { encodeFrame, writableHeaders, type OutgoingFrame } from '../protocol/frame-encoder.js';
import { negotiateHeartBeat, parseHeartBeat } from '../protocol/heart-beat.js';
import { isClientCommand, mayHaveBody } from '../protocol/stomp-commands.js';
import type { StompFrame, StompHeaders } from '../protocol/stomp-frame.js';
import { negotiateVersion, SUPPORTED_VERSIONS, type StompVersion } from '../protocol/stomp-version.js';
import type { StompConnection } from './stomp-connection.js';
import { decodeFrame } from '../protocol/decode-frame.js';
import { truncate } from '../util/truncate.js';
import type { StompFrameRouter } from './stomp-frame-router.js';
import type { StompHandshake, StompPrincipal } from '../interfaces/stomp-principal.interface.js';
import type { SessionOutlet } from '../interfaces/stomp-session.interface.js';
import { CloseCode } from './close-code.js';
import type { SessionSettings } from './session-settings.js';
import { FrameRateLimit } from './frame-rate-limit.js';
import { InterceptorChains } from './interceptor-chains.js';
import { SendLimits } from './send-limits.js';
import { IncompleteFrameWatch } from './incomplete-frame-watch.js';
import { SessionTransactions } from './session-transactions.js';
import { UnconfirmedSends } from './unconfirmed-sends.js';


const HEARTBEAT_EOL = Buffer.from('\n');
/** What a frame costs in the wait queue beyond its body: its headers, roughly. */
const QUEUED_FRAME_OVERHEAD = 256;
const ACK_MODES = new Set(['auto', 'client', 'client-individual']);

type SessionState = 'awaiting-connect' | 'connected' | 'closed';
/** What waits its turn: a frame, or the decoder's verdict on the bytes after the frames before it. */
type Inbound = StompFrame | StompProtocolError;

/**
 * One STOMP session over one connection: CONNECT/CONNECTED, heart-beats, receipts, transactions,
 * the protocol checks on every frame, and ERROR + close on any violation. Frames are processed one
 * at a time in arrival order, even when a handler is asynchronous.
 */
export class StompClientSession implements SessionOutlet {
  readonly id = randomUUID();
  /** Free for the application: anything it wants to keep with the session. */
  readonly attributes = new Map<string, unknown>();
  /** Negotiated at CONNECT; 1.2 until then. */
  version: StompVersion = '1.2';
  /**
   * Who the session belongs to: set by `authenticate`, or by an inbound interceptor at CONNECT.
   * `undefined`: anonymous (its user destinations are the session's own).
   */
  principal: StompPrincipal | undefined;

  private state: SessionState = 'awaiting-connect';
  private readonly decoder: FrameDecoder;
  private readonly subscriptions = new Map<string, string>();
  private readonly transactions: SessionTransactions;
  private readonly incompleteFrames: IncompleteFrameWatch;
  private readonly unconfirmed: UnconfirmedSends;
  private readonly queue: Inbound[] = [];
  private readonly interceptors: InterceptorChains;
  private busy = false;
  /** What the frames in `queue` weigh, for the bound on frames waiting behind a slow one. */
  private queuedBytes = 0;
  private readonly frameRate: FrameRateLimit;
  private readonly sendLimits: SendLimits;
  /** An error that ends the session is queued: later input is dropped. */
  private doomed = false;
  private connectTimer: NodeJS.Timeout | undefined;
  private sendTimer: NodeJS.Timeout | undefined;
  private receiveTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly connection: StompConnection,
    private readonly settings: SessionSettings,
    private readonly router: StompFrameRouter,
    private readonly logger: Logger,
    private readonly events: StompEvents,
    private readonly onEnd: (session: StompClientSession) => void,
  ) {
    this.decoder = new FrameDecoder(
      {
        onFrame: (frame) => {
          this.incompleteFrames.frameCompleted();
          this.enqueue(frame);
        },
        onHeartbeat: () => undefined,
        onError: (error) => this.enqueue(error),
      },
      settings,
    );
    connection.listen({
      onData: (data) => this.onData(data),
      onClose: () => this.end('transport'),
    });
    this.connectTimer = setTimeout(() => this.onConnectTimeout(), settings.connectTimeout).unref();
    this.frameRate = new FrameRateLimit(settings.maxFramesPerSecond);
    this.incompleteFrames = new IncompleteFrameWatch(settings, (reason) =>
      this.fail(new StompProtocolError('STOMP_ERR_LIMIT', reason), undefined, CloseCode.SESSION_LIMIT),
    );
    this.sendLimits = new SendLimits(settings.sendBufferSizeLimit, settings.sendTimeLimit);
    this.interceptors = InterceptorChains.of(settings.interceptors, logger);
    this.transactions = new SessionTransactions(settings);
    this.unconfirmed = new UnconfirmedSends({ maxCount: settings.maxUnconfirmedSends, maxBytes: settings.maxUnconfirmedSendBytes }, (error) =>
      this.onPipelinedSendFailed(error),
    );
  }

  /** The user name of user destinations: the principal's, or the session id when anonymous. */
  get userName(): string {
    return this.principal?.name ?? this.id;
  }

  get transport(): 'websocket' | 'sockjs' {
    return this.connection.transport;
  }

  get handshake(): StompHandshake {
    return { headers: this.connection.headers, url: this.connection.url, remoteAddress: this.connection.remoteAddress };
  }

  get bufferedAmount(): number {
    return this.connection.bufferedAmount;
  }

  get isConnected(): boolean {
    return this.state === 'connected';
  }

  get isClosed(): boolean {
    return this.state === 'closed';
  }

  /** Subscription ids of this session and their destinations. */
  get subscriptionDestinations(): ReadonlyMap<string, string> {
    return this.subscriptions;
  }

  /** Writes encoded bytes (a MESSAGE from the broker, or any frame) to the client. */
  deliver(bytes: Buffer, binary: boolean): void {
    if (this.state === 'closed') return;
    if (this.interceptors.hasOutbound) {
      const frame = this.interceptors.applyOutbound(decodeFrame(bytes, this.version), this);
      if (!frame) return;
      bytes = encodeFrame(frame, this.version);
    }
    this.write(bytes, binary);
  }

  sendFrame(frame: OutgoingFrame): void {
    if (this.state === 'closed') return;
    if (this.interceptors.hasOutbound) {
      const intercepted = this.interceptors.applyOutbound(
        {
          command: frame.command,
          headers: stringHeaders(frame.headers),
          body: typeof frame.body === 'string' ? Buffer.from(frame.body) : (frame.body ?? Buffer.alloc(0)),
        },
        this,
      );
      if (!intercepted) return;
      frame = intercepted;
    }
    // Header values may come from the client (a receipt id): never let one make writing throw.
    this.write(encodeFrame({ ...frame, headers: writableHeaders(frame.command, frame.headers ?? {}, this.version) }, this.version), false);
  }

  private write(bytes: Buffer, binary: boolean): void {
    this.connection.send(bytes, binary);
    this.sendTimer?.refresh();
    this.checkSendLimits();
  }

  /**
   * A client that does not read lets data pile up here (ws's `bufferedAmount`). Past the buffer or
   * time limit it is closed (4500, as Spring), so it costs neither memory nor the others' latency.
   */
  private checkSendLimits(): void {
    const reason = this.sendLimits.check(this.connection.bufferedAmount);
    if (reason === undefined) return;
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
      this.logger.error(`Session ${this.id}: failed to report an error`, (failure as Error).stack);
      this.end('error');
      this.connection.terminate();
    }
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
    const message = error.message;
    this.logger.warn(`Session ${this.id}: ${message}`);
    const headers: Record<string, string> = { message: toHeaderLine(message), 'content-type': 'text/plain;charset=UTF-8' };
    receiptId ??= error instanceof StompProtocolError ? error.receiptId : undefined;
    if (receiptId !== undefined) headers['receipt-id'] = receiptId;
    if (error instanceof StompProtocolError && error.code === 'STOMP_ERR_UNSUPPORTED_VERSION') {
      headers.version = SUPPORTED_VERSIONS.join(',');
    }
    this.sendFrame({ command: 'ERROR', headers, body: message });
    this.close(closeCode, reason);
  }

  /** Ends the session and closes the connection after what was sent has been flushed. */
  close(code: number, reason: DisconnectReason): void {
    if (this.state === 'closed') return;
    this.end(reason);
    this.connection.close(code, reason === 'error' ? 'STOMP protocol error' : reason);
  }

  private onData(data: Buffer | string): void {
    if (this.state === 'closed') return;
    this.receiveTimer?.refresh();
    try {
      this.decoder.push(data);
      this.incompleteFrames.received(data.length, this.decoder.bufferedBytes);
    } catch (error) {
      // A bug of ours must cost this session, never the process (this runs in a socket callback).
      this.logger.error(`Session ${this.id}: failed on incoming data`, (error as Error).stack);
      this.end('error');
      this.connection.terminate();
    }
  }

  /** Frames, and a decoding error after them, take effect strictly in arrival order. */
  private enqueue(item: Inbound): void {
    // After the error that ends the session, nothing more is even queued.
    if (this.state === 'closed' || this.doomed) return;
    if (!(item instanceof StompProtocolError) && !this.frameRate.take()) {
      item = new StompProtocolError(
        'STOMP_ERR_LIMIT',
        `Too many frames: more than ${this.settings.maxFramesPerSecond} per second (option maxFramesPerSecond)`,
        { receiptId: item.headers.receipt },
      );
    }
    if (item instanceof StompProtocolError) this.doomed = true;
    if (!this.busy) return this.run(item);
    if (!(item instanceof StompProtocolError)) {
      this.queuedBytes += item.body.length + QUEUED_FRAME_OVERHEAD;
      const limit = this.settings.maxQueuedInboundBytes;
      if (this.queuedBytes > limit) {
        this.doomed = true;
        item = new StompProtocolError(
          'STOMP_ERR_LIMIT',
          `Too many frames waiting: more than ${limit} bytes (maxQueuedInboundBytes, derived from option maxFrameSize) arrived while an earlier frame was still being processed`,
          { receiptId: item.headers.receipt },
        );
      }
    }
    this.queue.push(item);
  }

  private run(item: Inbound): void {
    if (item instanceof StompProtocolError) {
      this.fail(item, undefined);
      return;
    }
    let result: void | Promise<void>;
    try {
      result = this.process(item);
    } catch (error) {
      this.onFrameFailed(item, error);
      return;
    }
    if (!result) return;
    this.busy = true;
    result
      .catch((error: unknown) => {
        try {
          this.onFrameFailed(item, error);
        } catch (failure) {
          this.logger.error(`Session ${this.id}: failed to report an error`, (failure as Error).stack);
          this.end('error');
          this.connection.terminate();
        }
      })
      .finally(() => {
        this.busy = false;
        while (!this.busy && this.queue.length > 0 && this.state !== 'closed') {
          const next = this.queue.shift()!;
          if (!(next instanceof StompProtocolError)) this.queuedBytes -= next.body.length + QUEUED_FRAME_OVERHEAD;
          this.run(next);
        }
      });
  }

  /** Inbound interceptors, then the frame's effect, then its RECEIPT. */
  private process(frame: StompFrame): void | Promise<void> {
    if (!this.interceptors.hasInbound) return this.handleAndAcknowledge(frame);
    const intercepted = this.interceptors.applyInbound(frame, this);
    if (intercepted instanceof Promise) return intercepted.then((f) => this.afterInterceptors(frame, f));
    return this.afterInterceptors(frame, intercepted);
  }

  /** A dropped frame is acknowledged as if it took effect; a dropped CONNECT cannot be, so it is refused. */
  private afterInterceptors(original: StompFrame, frame: StompFrame | null): void | Promise<void> {
    if (frame) return this.handleAndAcknowledge(frame);
    if (original.command === 'CONNECT' || original.command === 'STOMP') throw StompProtocolError.refused(original.command, 'an interceptor dropped it');
    return this.acknowledgeAfter(original, undefined);
  }

  private handleAndAcknowledge(frame: StompFrame): void | Promise<void> {
    return this.acknowledgeAfter(frame, this.handle(frame));
  }

  /**
   * Acknowledges `frame` once its `effect` is done. A RECEIPT (or DISCONNECT) also says that every
   * frame before it took effect: it waits for the pipelined SENDs still pending by then.
   */
  private acknowledgeAfter(frame: StompFrame, effect: void | Promise<void>): void | Promise<void> {
    const confirmsEarlier = frame.headers.receipt !== undefined || frame.command === 'DISCONNECT';
    if (!confirmsEarlier) return effect ? effect.then(() => this.acknowledge(frame)) : this.acknowledge(frame);
    const earlier = effect ? effect.then(() => this.unconfirmed.settled()) : this.unconfirmed.settled();
    if (!earlier) return this.acknowledge(frame);
    return earlier.then(() => this.acknowledge(frame));
  }

  private acknowledge(frame: StompFrame): void {
    if (this.state === 'closed') return;
    const receipt = frame.headers.receipt;
    if (receipt !== undefined && frame.command !== 'CONNECT' && frame.command !== 'STOMP') {
      this.sendFrame({ command: 'RECEIPT', headers: { 'receipt-id': receipt } });
    }
    if (frame.command === 'DISCONNECT') this.close(CloseCode.NORMAL, 'client');
  }

  private onFrameFailed(frame: StompFrame, error: unknown): void {
    if (error instanceof StompProtocolError) {
      this.fail(error, frame.headers.receipt);
      return;
    }
    const cause = error instanceof Error ? error : new Error(String(error));
    this.logger.error(`Session ${this.id}: ${frame.command} failed: ${cause.message}`, cause.stack);
    this.fail(new Error(`Failed to process ${frame.command}: ${cause.message}`), frame.headers.receipt);
  }

  private handle(frame: StompFrame): void | Promise<void> {
    const { command, headers } = frame;
    if (!isClientCommand(command)) {
      throw new StompProtocolError('STOMP_ERR_UNKNOWN_COMMAND', `Unknown STOMP command '${truncate(command)}'`);
    }
    if (frame.body.length > 0 && !mayHaveBody(command)) {
      throw new StompProtocolError('STOMP_ERR_UNEXPECTED_BODY', `${command} frame must not have a body`);
    }
    if (command === 'CONNECT' || command === 'STOMP') return this.onConnect(headers);
    if (this.state !== 'connected') {
      throw new StompProtocolError('STOMP_ERR_NOT_CONNECTED', `Received ${command} before CONNECT: the first frame must be CONNECT or STOMP`);
    }
    switch (command) {
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
        return this.onBegin(headers);
      case 'COMMIT':
        return this.onCommit(headers);
      case 'ABORT':
        this.transactions.abort(this.requireHeader(headers, 'transaction', 'ABORT'));
        return;
      case 'DISCONNECT':
        return;
    }
  }

  private onConnect(headers: StompHeaders): void | Promise<void> {
    if (this.state === 'connected') {
      throw new StompProtocolError('STOMP_ERR_ALREADY_CONNECTED', 'Session already exists: a connection takes one CONNECT frame');
    }
    const version = negotiateVersion(headers['accept-version']);
    if (!version) {
      throw new StompProtocolError(
        'STOMP_ERR_UNSUPPORTED_VERSION',
        `Supported protocol versions are ${SUPPORTED_VERSIONS.join(', ')}; the client accepts '${headers['accept-version']}'`,
      );
    }
    const clientHeartBeat = parseHeartBeat(headers['heart-beat']);
    this.events.emit({ type: 'connect', session: this, headers });
    const authenticate = this.settings.authenticate;
    if (this.principal || !authenticate) return this.completeConnect(version, clientHeartBeat, headers);
    let principal: StompPrincipal | undefined | Promise<StompPrincipal | undefined>;
    try {
      principal = authenticate({
        headers,
        login: headers.login,
        passcode: headers.passcode,
        handshake: this.handshake,
        sessionId: this.id,
      });
    } catch (error) {
      throw StompProtocolError.refused('CONNECT', error);
    }
    const complete = (resolved: StompPrincipal | undefined) => {
      this.principal = resolved;
      return this.completeConnect(version, clientHeartBeat, headers);
    };
    if (!(principal instanceof Promise)) return complete(principal);
    return principal.then(complete, (error: unknown) => {
      throw StompProtocolError.refused('CONNECT', error);
    });
  }

  /** Lets the broker take the session on (a relay opens its connection), then sends CONNECTED. */
  private completeConnect(version: StompVersion, clientHeartBeat: readonly [number, number], headers: StompHeaders): void | Promise<void> {
    // The connection may have gone (or timed out) while an authenticator was thinking.
    if (this.state === 'closed') return;
    let joined: void | Promise<void>;
    try {
      joined = this.router.connect(this, headers);
    } catch (error) {
      throw StompProtocolError.refused('CONNECT', error);
    }
    if (!(joined instanceof Promise)) return this.sendConnected(version, clientHeartBeat);
    return joined.then(
      () => this.sendConnected(version, clientHeartBeat),
      (error: unknown) => {
        throw StompProtocolError.refused('CONNECT', error);
      },
    );
  }

  private sendConnected(version: StompVersion, clientHeartBeat: readonly [number, number]): void {
    if (this.state === 'closed') return;
    const [sx, sy] = this.settings.heartbeat;
    this.version = version;
    this.decoder.version = version;
    this.state = 'connected';
    clearTimeout(this.connectTimer);
    const headers: Record<string, string> = { version, 'heart-beat': `${sx},${sy}`, session: this.id, server: 'nest-stomp' };
    if (this.principal) headers['user-name'] = this.principal.name;
    this.sendFrame({ command: 'CONNECTED', headers });
    this.startHeartbeats(negotiateHeartBeat(clientHeartBeat, [sx, sy], this.settings.heartbeatGraceFactor));
    this.events.emit({ type: 'connected', session: this });
  }

  private startHeartbeats({ sendInterval, receiveTimeout }: { sendInterval: number; receiveTimeout: number }): void {
    if (sendInterval > 0) {
      this.sendTimer = setTimeout(() => {
        this.connection.send(HEARTBEAT_EOL, false);
        this.sendTimer?.refresh();
      }, sendInterval).unref();
    }
    if (receiveTimeout > 0) {
      this.receiveTimer = setTimeout(() => {
        this.fail(
          new StompProtocolError('STOMP_ERR_HEART_BEAT_TIMEOUT', `No frame or heart-beat from the client for ${receiveTimeout} ms`),
          undefined,
        );
      }, receiveTimeout).unref();
    }
  }

  private onSend(frame: StompFrame): void | Promise<void> {
    const destination = this.requireHeader(frame.headers, 'destination', 'SEND');
    const transaction = frame.headers.transaction;
    if (transaction !== undefined) {
      this.transactions.checkHold(transaction, 'SEND');
      // Refuse an undeliverable SEND now: a COMMIT must not fail halfway through.
      this.router.checkSend(this, destination);
      this.transactions.hold(transaction, frame);
      return;
    }
    // Nobody waits on a SEND without a receipt to the broker: pipelined, it costs no broker round trip.
    if (frame.headers.receipt === undefined && this.router.goesToBroker(destination) && this.unconfirmed.hasRoomFor(frame.body.length)) {
      const published = this.router.send(this, destination, frame.headers, frame.body);
      if (published) this.unconfirmed.add(published, frame.body.length);
      return;
    }
    return this.router.send(this, destination, frame.headers, frame.body);
  }

  private onSubscribe(headers: StompHeaders): void | Promise<void> {
    const destination = this.requireHeader(headers, 'destination', 'SUBSCRIBE');
    // STOMP 1.0 made the id optional; the destination then names the subscription.
    const id = this.version === '1.0' ? (headers.id ?? destination) : this.requireHeader(headers, 'id', 'SUBSCRIBE');
    if (this.subscriptions.size >= this.settings.maxSubscriptionsPerSession) {
      throw new StompProtocolError(
        'STOMP_ERR_LIMIT',
        `Too many subscriptions: a session may hold at most ${this.settings.maxSubscriptionsPerSession} (option maxSubscriptionsPerSession)`,
      );
    }
    if (this.subscriptions.has(id)) {
      throw new StompProtocolError(
        'STOMP_ERR_DUPLICATE_SUBSCRIPTION',
        `Subscription id '${id}' is already in use by this session (destination '${this.subscriptions.get(id)}')`,
      );
    }
    const ack = headers.ack ?? 'auto';
    if (!ACK_MODES.has(ack)) {
      throw new StompProtocolError('STOMP_ERR_ILLEGAL_HEADER', `Invalid ack mode '${truncate(ack)}': expected auto, client or client-individual`);
    }
    const result = this.router.subscribe(this, id, destination, headers);
    const record = () => {
      if (this.state === 'closed') return;
      this.subscriptions.set(id, destination);
      this.events.emit({ type: 'subscribe', session: this, subscriptionId: id, destination });
    };
    if (result) return result.then(record);
    record();
  }

  private onUnsubscribe(headers: StompHeaders): void {
    const id = this.version === '1.0' ? (headers.id ?? headers.destination) : headers.id;
    if (id === undefined) {
      throw new StompProtocolError('STOMP_ERR_MISSING_HEADER', "UNSUBSCRIBE frame must have an 'id' header");
    }
    // Unsubscribing twice is harmless: the first one already took effect.
    const destination = this.subscriptions.get(id);
    if (destination === undefined) return;
    this.subscriptions.delete(id);
    this.router.unsubscribe(this, id, destination);
    this.events.emit({ type: 'unsubscribe', session: this, subscriptionId: id, destination });
  }

  /** Checked here; the broker acts on them if it tracks acknowledgements (the embedded one acks on delivery). */
  private onAck(frame: StompFrame): void | Promise<void> {
    const idHeader = this.version === '1.2' ? 'id' : 'message-id';
    this.requireHeader(frame.headers, idHeader, frame.command);
    if (frame.headers.transaction !== undefined) {
      this.transactions.hold(frame.headers.transaction, frame);
      return;
    }
    return this.router.acknowledge(this, frame.command as 'ACK' | 'NACK', frame.headers);
  }

  private onBegin(headers: StompHeaders): void {
    this.transactions.begin(this.requireHeader(headers, 'transaction', 'BEGIN'));
  }

  private async onCommit(headers: StompHeaders): Promise<void> {
    const frames = this.transactions.commit(this.requireHeader(headers, 'transaction', 'COMMIT'));
    for (const frame of frames) {
      if (frame.command === 'SEND') await this.router.send(this, frame.headers.destination!, frame.headers, frame.body);
      else await this.router.acknowledge(this, frame.command as 'ACK' | 'NACK', frame.headers);
    }
  }

  private requireHeader(headers: StompHeaders, name: string, command: string): string {
    const value = headers[name];
    if (value === undefined || value === '') {
      throw new StompProtocolError('STOMP_ERR_MISSING_HEADER', `${command} frame must have a '${name}' header`);
    }
    return value;
  }

  private onConnectTimeout(): void {
    this.fail(
      new StompProtocolError('STOMP_ERR_NOT_CONNECTED', `No CONNECT frame within ${this.settings.connectTimeout} ms of opening the connection`),
      undefined,
      CloseCode.SESSION_LIMIT,
    );
  }

  /** Releases everything the session holds; runs once, whoever ends the session. */
  private end(reason: DisconnectReason): void {
    if (this.state === 'closed') return;
    const wasConnected = this.state === 'connected';
    this.state = 'closed';
    clearTimeout(this.connectTimer);
    clearTimeout(this.sendTimer);
    clearTimeout(this.receiveTimer);
    this.incompleteFrames.stop();
    this.queue.length = 0;
    this.queuedBytes = 0;
    this.transactions.clear();
    if (wasConnected) this.router.disconnected(this);
    this.subscriptions.clear();
    this.onEnd(this);
    if (wasConnected) this.events.emit({ type: 'disconnect', session: this, reason });
  }
}

function stringHeaders(headers: OutgoingFrame['headers']): StompHeaders {
  const out: StompHeaders = {};
  for (const name in headers) if (headers[name] !== undefined) out[name] = String(headers[name]);
  return out;
}

function toHeaderLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}
