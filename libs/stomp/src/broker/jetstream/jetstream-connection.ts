import type { Logger } from '@nestjs/common';
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { BehaviorSubject, distinctUntilChanged, type Observable } from 'rxjs';
import { loadOptionalPackage } from '../../util/optional-package.js';
import type { JetStreamSettings } from './jetstream-settings.js';

type NatsTransport = typeof import('@nats-io/transport-node');
type NatsJetStream = typeof import('@nats-io/jetstream');

const NEEDED_FOR = "The JetStream broker (broker: { kind: 'jetstream' })";

/** The connection's parts once it is up. */
export interface NatsSession {
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
}

/**
 * One NATS connection and whether it is usable. Until the first connection succeeds this retries
 * every `reconnectDelay` ms (the NATS client gives up on a first connection that fails); after it,
 * the client reconnects by itself, forever. After every (re)connection `prepare` runs (the streams
 * are checked: a NATS server restarted without its store has lost them) and only once it succeeded
 * is the connection ready.
 */
export class JetStreamConnection {
  readonly ready$: Observable<boolean>;
  private readonly ready = new BehaviorSubject(false);
  private readonly transport: NatsTransport;
  private readonly jetStream: NatsJetStream;
  private current: NatsSession | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private prepareTimer: NodeJS.Timeout | undefined;
  /** Whether the last `prepare` failed: logged once per run of failures. */
  private preparing = false;
  private lastError: Error | undefined;
  private closing = false;
  private firstAttempt: Promise<void> | undefined;
  /** A connection attempt in flight: close() waits for it (at most `connectTimeout`) so that no socket outlives the broker. */
  private connecting: Promise<unknown> | undefined;

  constructor(
    private readonly settings: JetStreamSettings,
    private readonly name: string,
    private readonly logger: Logger,
    private readonly prepare: (session: NatsSession) => Promise<void>,
  ) {
    this.transport = loadOptionalPackage<NatsTransport>('@nats-io/transport-node', NEEDED_FOR);
    this.jetStream = loadOptionalPackage<NatsJetStream>('@nats-io/jetstream', NEEDED_FOR);
    this.ready$ = this.ready.pipe(distinctUntilChanged());
  }

  get isReady(): boolean {
    return this.ready.value;
  }

  /** The connection, when it is up and prepared. */
  get session(): NatsSession | undefined {
    return this.ready.value ? this.current : undefined;
  }

  /** The connection even while it is being prepared (for `prepare` itself and for cleanup). */
  get connection(): NatsSession | undefined {
    return this.current;
  }

  /** Why the connection cannot be used now, for error messages. */
  get downReason(): string {
    const where = this.settings.servers.join(', ');
    if (this.closing) return 'the broker is closed';
    const cause = this.lastError ? `: ${this.lastError.message}` : '';
    if (this.preparing) return `JetStream at ${where} is not ready${cause}`;
    return `NATS at ${where} is not reachable${cause}`;
  }

  /** Connects; resolves once the first attempt succeeded or failed (attempts go on). */
  start(): Promise<void> {
    this.firstAttempt ??= this.attempt();
    return this.firstAttempt;
  }

  async close(): Promise<void> {
    this.closing = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.prepareTimer);
    await this.connecting?.catch(() => undefined);
    const nc = this.current?.nc;
    this.ready.next(false);
    if (nc && !nc.isClosed()) await nc.close().catch(() => undefined);
    this.ready.complete();
  }

  private async attempt(): Promise<void> {
    if (this.closing) return;
    let nc: NatsConnection;
    try {
      nc = await (this.connecting = this.transport.connect({
        servers: [...this.settings.servers],
        name: this.name,
        timeout: this.settings.connectTimeout,
        reconnect: true,
        maxReconnectAttempts: -1,
        reconnectTimeWait: this.settings.reconnectDelay,
        // Otherwise every publish builds an Error with a stack trace in case it times out: 13 % of
        // the server's busy time in the durable-brokers benchmark (g). Our errors name the action.
        noAsyncTraces: true,
      }));
    } catch (error) {
      this.lastError = error as Error;
      if (!this.closing) this.retryTimer = setTimeout(() => void this.attempt(), this.settings.reconnectDelay);
      return;
    }
    if (this.closing) {
      await nc.close();
      return;
    }
    const session = { nc, js: this.jetStream.jetstream(nc), jsm: await this.jetStream.jetstreamManager(nc, { checkAPI: false }) };
    this.current = session;
    void this.watch(nc);
    void nc.closed().then((error) => {
      // Closed by close(), or by the client giving up: either way nothing more will come.
      if (error) this.lastError = error;
      this.ready.next(false);
    });
    await this.onConnected();
  }

  /** The client's status events: down at once on a disconnect, ready again once prepared after a reconnect. */
  private async watch(nc: NatsConnection): Promise<void> {
    for await (const status of nc.status()) {
      if (this.closing) return;
      if (status.type === 'disconnect') {
        clearTimeout(this.prepareTimer);
        this.preparing = false;
        this.ready.next(false);
      } else if (status.type === 'reconnect') {
        void this.onConnected();
      } else if (status.type === 'error') {
        this.lastError = status.error;
      }
    }
  }

  /** Prepares the new connection; a failure (JetStream still starting, a stream refused) is retried every `reconnectDelay` ms while connected. */
  private async onConnected(): Promise<void> {
    clearTimeout(this.prepareTimer);
    const session = this.current;
    if (!session || this.closing || session.nc.isClosed()) return;
    try {
      await this.prepare(session);
      if (this.closing || session.nc.isClosed()) return;
      this.lastError = undefined;
      this.preparing = false;
      this.ready.next(true);
    } catch (error) {
      this.lastError = error as Error;
      if (!this.preparing) this.logger.error(`JetStream broker could not set up its streams on ${this.settings.servers.join(', ')}: ${(error as Error).message}; retrying`);
      this.preparing = true;
      if (!this.closing) this.prepareTimer = setTimeout(() => void this.onConnected(), this.settings.reconnectDelay);
    }
  }
}
