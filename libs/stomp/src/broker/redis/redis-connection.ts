import type { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { BehaviorSubject, distinctUntilChanged, type Observable } from 'rxjs';
import { loadOptionalPackage } from '../../util/optional-package.js';
import { reconnectDelay, type RedisBrokerSettings } from './redis-broker-settings.js';

/** What each ioredis status means for someone whose message could not be sent. */
const STATES: Partial<Record<Redis['status'], string>> = {
  wait: 'is not open yet',
  connecting: 'is down, connecting',
  connect: 'is down, connecting',
  reconnecting: 'is down, reconnecting',
  close: 'is down',
  end: 'is closed',
};

export type RedisConnectionRole = 'publisher' | 'subscriber' | 'stream reader';

/**
 * One ioredis connection and whether it is usable. ioredis reconnects by itself (capped back-off);
 * after each (re)connection, `prepare` runs (the subscriber's SUBSCRIBE) and only once it succeeded
 * is the connection ready. Commands never wait for a connection: with no offline queue, a command
 * while disconnected fails at once, and one in flight when the connection drops fails with it.
 */
export class RedisConnection {
  readonly client: Redis;
  readonly ready$: Observable<boolean>;
  private readonly ready = new BehaviorSubject(false);
  private lastError: Error | undefined;
  /** Bumped on every close: a `prepare` of an older connection must not mark a newer one ready. */
  private generation = 0;
  private closing = false;
  /** Safety bound of close(): an unanswered QUIT or a hung connect attempt must not hold up shutdown. */
  private readonly closeTimeout: number;
  private readonly commandTimeout: number;

  constructor(
    readonly role: RedisConnectionRole,
    url: string,
    /** The URL as logs may show it. */
    private readonly displayUrl: string,
    connectionName: string,
    settings: RedisBrokerSettings,
    private readonly logger: Logger,
    private readonly prepare: (client: Redis) => Promise<unknown> = () => Promise.resolve(),
    /** A connection that blocks (XREAD BLOCK) would answer QUIT only once its command returns: close() drops it instead. */
    private readonly blocking = false,
  ) {
    this.closeTimeout = settings.connectTimeout + settings.commandTimeout;
    this.commandTimeout = settings.commandTimeout;
    const { Redis } = loadOptionalPackage<typeof import('ioredis')>('ioredis', "The Redis broker (broker: { kind: 'redis' })");
    this.client = new Redis(url, {
      lazyConnect: true,
      connectionName,
      connectTimeout: settings.connectTimeout,
      commandTimeout: settings.commandTimeout,
      retryStrategy: (attempt) => reconnectDelay(attempt, settings),
      // Never park commands until Redis is back: fail them, so no send is silently delayed or lost.
      enableOfflineQueue: false,
      // Fail the commands in flight when the connection drops, rather than resending them later.
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      // Re-subscription is `prepare`'s job: ioredis's own sends SUBSCRIBE only after it emitted
      // 'ready', so it could not tell when the subscription is in place again.
      autoResubscribe: false,
      // How long ioredis lets a socket it ends close by itself before destroying it. Its timer is
      // armed even for a socket already closed (a client between attempts): keep it a tick long
      // (see close()). Connections end by QUIT, which this does not affect.
      disconnectTimeout: 0,
    });
    this.ready$ = this.ready.pipe(distinctUntilChanged());
    this.client.on('ready', () => this.onConnected());
    this.client.on('close', () => this.onClosed());
    // Every failed attempt emits one; without a listener ioredis would print each to the console.
    this.client.on('error', (error: Error) => (this.lastError = error));
  }

  get isReady(): boolean {
    return this.ready.value;
  }

  /** Why the connection cannot be used now, for error messages. */
  get downReason(): string {
    const cause = this.lastError ? `: ${this.lastError.message}` : '';
    return `the ${this.role} connection to ${this.displayUrl} ${STATES[this.client.status] ?? 'is down'}${cause}`;
  }

  /** Why a command failed, for error messages: ioredis's own wording says little to an application. */
  describeFailure(error: unknown): string {
    const message = error instanceof Error ? error.message : String(error);
    // Sent while the socket was closing, before ioredis noticed: the connection is down all the same.
    if (!this.isReady || /^Stream isn't writeable/.test(message)) return this.downReason;
    if (message === 'Command timed out') return `Redis at ${this.displayUrl} did not answer within ${this.commandTimeout} ms`;
    if (/^Connection is closed|MaxRetriesPerRequest|Reached the max retries/i.test(message)) {
      return `the ${this.role} connection to ${this.displayUrl} was lost before Redis answered`;
    }
    return `Redis at ${this.displayUrl} answered: ${message}`;
  }

  /** Connects, and resolves once the first attempt succeeded or failed (ioredis goes on retrying). */
  start(): Promise<void> {
    return new Promise<void>((resolve) => {
      let settled = false;
      const settle = () => {
        if (settled) return;
        settled = true;
        readiness.unsubscribe();
        this.client.off('close', settle);
        resolve();
      };
      const readiness = this.ready.subscribe((ready) => ready && settle());
      this.client.once('close', settle);
      this.client.connect().catch(() => undefined);
    });
  }

  /** Quits cleanly when connected, else stops reconnecting; resolves when no socket or timer is left. */
  async close(): Promise<void> {
    this.closing = true;
    const { client } = this;
    if (client.status !== 'end') {
      const ended = new Promise<void>((resolve) => client.once('end', () => resolve()));
      const wasReady = client.status === 'ready';
      if (wasReady && this.blocking) {
        client.disconnect();
      } else if (wasReady) {
        await this.bounded(client.quit()).catch(() => client.disconnect());
      } else {
        client.disconnect();
        // Let ioredis's disconnect timer (armed with the same delay, so due first) run out.
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
      // A socket still open closes, then the client ends; a client between attempts only had its
      // retry timer, which disconnect() cleared: nothing to wait for.
      if (wasReady || client.status === 'connect' || client.status === 'connecting') {
        await this.bounded(ended).catch((error: Error) => {
          this.logger.warn(error.message);
          client.disconnect();
        });
      }
    }
    this.ready.next(false);
    this.ready.complete();
  }

  /** `promise`, or a rejection after closeTimeout, with its timer cleared either way. */
  private bounded<T>(promise: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis ${this.role} connection did not close in ${this.closeTimeout} ms`)), this.closeTimeout);
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
  }

  private onConnected(): void {
    if (this.closing) return;
    const generation = this.generation;
    this.prepare(this.client).then(
      () => {
        if (this.closing || generation !== this.generation || this.client.status !== 'ready') return;
        this.lastError = undefined;
        this.ready.next(true);
      },
      (error: Error) => {
        if (this.closing || generation !== this.generation) return;
        this.lastError = error;
        this.logger.warn(`Redis ${this.role} connection to ${this.displayUrl} could not be set up (${error.message}); reconnecting`);
        this.client.disconnect(true);
      },
    );
  }

  private onClosed(): void {
    this.generation++;
    if (this.closing) return;
    // The broker logs the loss, once for both connections.
    this.ready.next(false);
  }
}
