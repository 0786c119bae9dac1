import { StompConfigurationError } from '../errors/stomp-configuration.error.js';
import { FrameDecoder } from '../protocol/frame-decoder.js';
import { encodeFrame, UNNEGOTIATED, type OutgoingFrame } from '../protocol/frame-encoder.js';
import type { StompFrame, StompHeaders } from '../protocol/stomp-frame.js';
import type { StompVersion } from '../protocol/stomp-version.js';
import { StompConnectionClosedError } from './errors/stomp-connection-closed.error.js';
import { StompExpectationError } from './errors/stomp-expectation.error.js';
import { StompServerError } from './errors/stomp-server.error.js';
import { endpointUrl, type StompTestTarget } from './endpoint-url.js';
import { encodePayload, type StompTestPayload } from './outgoing-payload.js';
import { PendingWaits } from './pending-waits.js';
import { SockJsTestTransport } from './sockjs-test-transport.js';
import { DEFAULT_TEST_TIMEOUT_MS, type StompTestClientOptions, type StompTestConnectOptions, type StompTestHeaders } from './stomp-test-client.options.js';
import { StompTestMessage } from './stomp-test-message.js';
import { StompTestSubscription, type SubscriptionClient } from './stomp-test-subscription.js';
import type { TestTransport, TransportListener } from './test-transport.js';
import { WebSocketTestTransport } from './websocket-test-transport.js';

/** What the server said in CONNECTED. */
export interface StompTestConnection {
  readonly version: StompVersion;
  /** The session id (`session` header). */
  readonly session: string | undefined;
  /** The principal's name (`user-name` header), when the session has one. */
  readonly userName: string | undefined;
  readonly headers: StompHeaders;
}

/** How the connection ended. */
export interface StompTestClose {
  readonly code: number;
  readonly reason: string;
  /** The ERROR the server sent before closing, if it sent one. */
  readonly error: StompServerError | undefined;
}

/** Server frames are trusted: limits only against a runaway test. */
const DECODER_LIMITS = { maxFrameSize: 256 * 1024 * 1024, maxHeaders: 100_000, maxHeaderLineLength: 16 * 1024 * 1024 };

/**
 * A STOMP client for tests, with a promise for every step: `connect`, `send` (resolves on its
 * RECEIPT), `subscribe` (resolves on its RECEIPT, so the subscription is live), and
 * subscriptions to `expectMessage` on. Heart-beats are off and every timer it starts is cleared,
 * so a test that `disconnect`s leaves no open handle.
 */
export class StompTestClient {
  /** How long a wait takes before it fails, unless the call says otherwise. */
  readonly timeout: number;
  private readonly waits = new PendingWaits();
  private readonly subscriptions = new Map<string, StompTestSubscription>();
  private readonly receipts = new Set<string>();
  private readonly decoder: FrameDecoder;
  private transport: TestTransport | undefined;
  private url = '';
  private version: StompVersion = UNNEGOTIATED;
  private connectedFrame: StompFrame | undefined;
  private serverError: StompServerError | undefined;
  private closeInfo: StompTestClose | undefined;
  private readonly closeWaiters: Array<(close: StompTestClose) => void> = [];
  private counter = 0;
  private connectCalled = false;
  /** Whether the WebSocket message being decoded was binary: the frames in it were sent so. */
  private lastBinary = false;
  private readonly subscriptionClient: SubscriptionClient;

  constructor(
    private readonly target: StompTestTarget,
    private readonly options: StompTestClientOptions = {},
  ) {
    this.timeout = options.timeout ?? DEFAULT_TEST_TIMEOUT_MS;
    this.decoder = new FrameDecoder(
      {
        onFrame: (frame) => this.onFrame(frame),
        onHeartbeat: () => undefined,
        onError: (error) => {
          this.waits.fail(error);
          void this.transport?.close();
        },
      },
      DECODER_LIMITS,
    );
    this.subscriptionClient = {
      timeout: this.timeout,
      waitFor: (probe, timeoutMs, timedOut) => this.waits.until(probe, timeoutMs, timedOut),
      sync: () => this.sync(),
      unsubscribe: (subscription) => this.unsubscribe(subscription),
    };
  }

  /** What the server said in CONNECTED; throws before `connect` resolved. */
  get connection(): StompTestConnection {
    const frame = this.connectedFrame;
    if (!frame) throw new StompExpectationError('The test client is not connected: await client.connect() first');
    return { version: this.version, session: frame.headers.session, userName: frame.headers['user-name'], headers: frame.headers };
  }

  /** The ERROR the server sent, if it sent one (the connection is closed or closing then). */
  get error(): StompServerError | undefined {
    return this.serverError;
  }

  /**
   * Opens the transport (making the application listen on a free port if it does not yet) and
   * sends CONNECT; resolves with this client once CONNECTED arrived, rejects with a
   * StompServerError when the server refuses.
   */
  async connect(options: StompTestConnectOptions = {}): Promise<this> {
    if (this.connectCalled) throw new StompExpectationError('connect() was already called on this test client: create another client for another session');
    this.connectCalled = true;
    if (this.options.transport === 'sockjs' && this.options.handshakeHeaders) {
      throw new StompConfigurationError("The test client's 'handshakeHeaders' apply to the WebSocket transport only: SockJS does not let a client set them");
    }
    this.url = await endpointUrl(this.target, this.options);
    const listener: TransportListener = {
      onData: (data, binary) => this.onData(data, binary),
      onClose: (code, reason) => this.onClose(code, reason),
    };
    try {
      this.transport =
        this.options.transport === 'sockjs'
          ? await SockJsTestTransport.open(this.url, listener)
          : await WebSocketTestTransport.open(this.url, listener, this.options.handshakeHeaders);
    } catch (error) {
      throw StompConnectionClosedError.notOpened(this.url, error);
    }
    const { login, passcode, headers } = options;
    this.write({
      command: 'CONNECT',
      headers: { 'accept-version': '1.2,1.1,1.0', host: new URL(this.url).hostname, 'heart-beat': '0,0', login, passcode, ...headers },
    });
    try {
      await this.waits.until(
        () => this.connectedFrame,
        this.timeout,
        () => new StompExpectationError(`No CONNECTED from ${this.url} within ${this.timeout} ms`),
      );
    } catch (error) {
      // The caller has no client to disconnect when connect() fails: leave no socket open.
      await this.transport.close();
      throw error;
    }
    return this;
  }

  /**
   * SENDs `payload` (an object as JSON, a string as text, a Buffer as bytes; `headers` override
   * the content type) and resolves on the server's RECEIPT: its handler has run and its replies
   * were published by then.
   */
  async send(destination: string, payload?: StompTestPayload, headers: StompTestHeaders = {}): Promise<void> {
    const { body, contentType, binary } = encodePayload(payload);
    await this.withReceipt(`the SEND to ${destination}`, (receipt) => {
      this.write({ command: 'SEND', headers: { 'content-type': contentType, ...headers, destination, receipt }, body }, binary);
    });
  }

  /**
   * SUBSCRIBEs and resolves on the RECEIPT, when the subscription is live (a `@SubscribeMapping`
   * reply may already be in it). `headers` may set the `id`, `ack` or broker-specific headers.
   */
  async subscribe(destination: string, headers: StompTestHeaders = {}): Promise<StompTestSubscription> {
    const id = headers.id ?? `sub-${++this.counter}`;
    if (this.subscriptions.has(id)) throw new StompExpectationError(`The test client already has a subscription '${id}'`);
    const subscription = new StompTestSubscription(id, destination, this.subscriptionClient);
    this.subscriptions.set(id, subscription);
    await this.withReceipt(`the SUBSCRIBE to ${destination}`, (receipt) => {
      this.write({ command: 'SUBSCRIBE', headers: { ...headers, id, destination, receipt } });
    });
    return subscription;
  }

  /**
   * A RECEIPT round trip: resolves once the server has handled every frame this client sent
   * before, and every frame it wrote to this client before that has arrived.
   */
  async sync(): Promise<void> {
    // Unsubscribing an id never subscribed does nothing, but still earns a RECEIPT.
    await this.withReceipt('a RECEIPT round trip', (receipt) => {
      this.write({ command: 'UNSUBSCRIBE', headers: { id: `sync-${receipt}`, receipt } });
    });
  }

  /** Sends DISCONNECT, waits for its RECEIPT and closes the connection. Safe to call twice, or after an ERROR. */
  async disconnect(): Promise<void> {
    const transport = this.transport;
    if (!transport) return;
    if (!this.closeInfo && !this.waits.failed && this.connectedFrame) {
      await this.withReceipt('the DISCONNECT', (receipt) => this.write({ command: 'DISCONNECT', headers: { receipt } })).catch(() => undefined);
    }
    await transport.close();
  }

  /** Resolves with how the connection ended, once the server closed it (after an ERROR, say). */
  waitForClose(timeout = this.timeout): Promise<StompTestClose> {
    if (this.closeInfo) return Promise.resolve(this.closeInfo);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new StompExpectationError(`The connection to ${this.url} did not close within ${timeout} ms`)), timeout);
      this.closeWaiters.push((close) => {
        clearTimeout(timer);
        resolve(close);
      });
    });
  }

  private async unsubscribe(subscription: StompTestSubscription): Promise<void> {
    await this.withReceipt(`the UNSUBSCRIBE from ${subscription.destination}`, (receipt) => {
      this.write({ command: 'UNSUBSCRIBE', headers: { id: subscription.id, receipt } });
    });
    this.subscriptions.delete(subscription.id);
  }

  /** Writes a frame with a fresh `receipt` and waits for its RECEIPT. */
  private async withReceipt(what: string, write: (receipt: string) => void): Promise<void> {
    const receipt = `receipt-${++this.counter}`;
    this.checkOpen();
    write(receipt);
    await this.waits.until(
      () => (this.receipts.delete(receipt) ? true : undefined),
      this.timeout,
      () => new StompExpectationError(`No RECEIPT for ${what} within ${this.timeout} ms`),
    );
  }

  private checkOpen(): void {
    if (this.waits.failed) throw this.waits.failed;
    if (!this.transport) throw new StompExpectationError('The test client is not connected: await client.connect() first');
  }

  private write(frame: OutgoingFrame, binary = false): void {
    this.transport!.send(encodeFrame(frame, frame.command === 'CONNECT' ? UNNEGOTIATED : this.version), binary);
  }

  private onData(data: Buffer, binary: boolean): void {
    this.lastBinary = binary;
    this.decoder.push(data);
  }

  private onFrame(frame: StompFrame): void {
    switch (frame.command) {
      case 'CONNECTED':
        this.version = (frame.headers.version as StompVersion | undefined) ?? '1.0';
        this.decoder.version = this.version;
        this.connectedFrame = frame;
        break;
      case 'MESSAGE':
        this.subscriptions.get(frame.headers.subscription ?? '')?.receive(new StompTestMessage(frame, this.lastBinary));
        break;
      case 'RECEIPT':
        this.receipts.add(frame.headers['receipt-id'] ?? '');
        break;
      case 'ERROR':
        this.serverError ??= new StompServerError(frame);
        this.waits.fail(this.serverError);
        return;
    }
    this.waits.wake();
  }

  private onClose(code: number, reason: string): void {
    this.closeInfo = { code, reason, error: this.serverError };
    this.waits.fail(this.serverError ?? StompConnectionClosedError.closed(this.url, code, reason));
    for (const waiter of this.closeWaiters.splice(0)) waiter(this.closeInfo);
  }
}

/**
 * A test client of `target`: a Nest application (made to listen on a free port if it does not
 * yet; its only STOMP endpoint unless `options.path` names one) or an endpoint's URL. Nothing is
 * opened before `connect()`.
 */
export function createStompTestClient(target: StompTestTarget, options?: StompTestClientOptions): StompTestClient {
  return new StompTestClient(target, options);
}
