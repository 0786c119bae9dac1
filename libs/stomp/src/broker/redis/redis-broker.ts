import { StompLogger } from '../../util/stomp-logger.js';
import { randomUUID } from 'node:crypto';
import { BehaviorSubject, combineLatest, distinctUntilChanged, filter, type Observable, type Subscription } from 'rxjs';
import type { BrokerMessage, BrokerSubscriber, MessageBroker } from '../message-broker.js';
import type { PatternSubscriptionLimits } from '../simple/pattern-budget.js';
import { SimpleBroker } from '../simple/simple-broker.js';
import type { RedisBrokerSettings } from './redis-broker-settings.js';
import { StompBrokerUnavailableError } from '../../errors/stomp-broker-unavailable.error.js';
import { RedisCluster } from './redis-cluster.js';
import { RedisConnection } from './redis-connection.js';
import { decodeRedisMessage, encodeRedisMessage } from './redis-message-codec.js';
import { describeRedisUrl } from './redis-url.js';

/**
 * Several application instances sharing their broker destinations over Redis pub/sub. Each instance
 * keeps its own clients' subscriptions (an embedded {@link SimpleBroker}); a publish goes to Redis,
 * and every instance, this one included, delivers what it receives from Redis to its subscribers.
 * So every subscriber, wherever connected, gets each message, in the order its publisher sent them.
 *
 * Two connections: one publishes, one subscribes (a subscribed connection can do nothing else).
 * The broker is available while both are up; when Redis is unreachable, publishes reject at once
 * with {@link StompBrokerUnavailableError} (nothing is queued, nothing silently dropped) and both
 * connections keep reconnecting. Like Redis pub/sub itself, delivery is at most once: an instance
 * disconnected from Redis misses what was published meanwhile.
 */
export class RedisBroker implements MessageBroker {
  readonly cluster: RedisCluster;
  /** Whether Redis can take messages: first known when `start()` has settled, then on every change. */
  readonly availability$: Observable<boolean>;
  private readonly availability = new BehaviorSubject<boolean | undefined>(undefined);
  private readonly local: SimpleBroker;
  private readonly publisher: RedisConnection;
  private readonly subscriber: RedisConnection;
  private readonly channels: { readonly messages: string; readonly cluster: string };
  private readonly settings: RedisBrokerSettings;
  private readonly displayUrl: string;
  private readonly logger = new StompLogger('StompModule');
  private readonly readiness: Subscription;
  private connected = false;
  private started = false;
  private closed = false;

  /**
   * `settings` as the options resolver leaves them (or `{ ...STOMP_DEFAULTS.redis, url, channelPrefix }`);
   * `patternLimits` bound the pattern subscriptions of this instance's clients.
   */
  constructor(settings: RedisBrokerSettings, separator: '/' | '.', patternLimits: Partial<PatternSubscriptionLimits> = {}) {
    const { url, channelPrefix: prefix } = settings;
    this.settings = settings;
    this.displayUrl = describeRedisUrl(url);
    this.channels = { messages: `${prefix}:messages`, cluster: `${prefix}:cluster` };
    this.local = new SimpleBroker(separator, patternLimits);
    const instanceId = randomUUID();
    this.cluster = new RedisCluster(instanceId, (data) => this.send(this.channels.cluster, Buffer.from(data, 'utf8'), 'a cluster message'));

    const connection = (role: 'publisher' | 'subscriber', prepare?: (client: RedisConnection['client']) => Promise<unknown>) =>
      new RedisConnection(role, url, this.displayUrl, `nest-stomp:${instanceId}:${role}`, this.settings, this.logger, prepare);
    this.publisher = connection('publisher');
    this.subscriber = connection('subscriber', (client) => client.subscribe(this.channels.messages, this.channels.cluster));
    this.subscriber.client.on('messageBuffer', (channel: Buffer, payload: Buffer) => this.received(channel, payload));

    this.availability$ = this.availability.pipe(
      filter((available): available is boolean => available !== undefined),
      distinctUntilChanged(),
    );
    this.readiness = combineLatest([this.publisher.ready$, this.subscriber.ready$]).subscribe(([publisher, subscriber]) =>
      this.onReadiness(publisher && subscriber),
    );
  }

  /** Whether both connections are up, now. */
  get isAvailable(): boolean {
    return this.connected;
  }

  /** Number of this instance's live subscriptions. */
  get subscriptionCount(): number {
    return this.local.subscriptionCount;
  }

  /**
   * Connects both connections. Resolves once they are up, or once Redis proved unreachable (or
   * `startTimeout` passed): the application starts either way, unavailable until Redis is back.
   */
  async start(): Promise<void> {
    if (this.started || this.closed) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.settings.startTimeout)));
    await Promise.race([Promise.all([this.publisher.start(), this.subscriber.start()]), timeout]).finally(() => clearTimeout(timer));
    if (this.closed) return;
    this.started = true;
    if (this.connected) {
      this.logger.log(`Redis broker connected to ${this.displayUrl} (channels ${this.channels.messages}, ${this.channels.cluster})`);
    } else {
      this.logger.warn(`Redis broker unavailable at start-up (${this.downReason()}); reconnecting in the background, sends fail until then`);
    }
    this.availability.next(this.connected);
  }

  /** Quits both connections; the broker is unavailable from then on. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([this.publisher.close(), this.subscriber.close()]);
    this.readiness.unsubscribe();
    this.connected = false;
    if (this.started) this.availability.next(false);
    this.availability.complete();
    this.cluster.complete();
  }

  subscribe(subscriber: BrokerSubscriber, subscriptionId: string, destination: string): void {
    this.local.subscribe(subscriber, subscriptionId, destination);
  }

  unsubscribe(subscriber: BrokerSubscriber, subscriptionId: string): void {
    this.local.unsubscribe(subscriber, subscriptionId);
  }

  unsubscribeAll(subscriber: BrokerSubscriber): void {
    this.local.unsubscribeAll(subscriber);
  }

  /** Resolves once Redis took the message; rejects with {@link StompBrokerUnavailableError} when it cannot. */
  publish(message: BrokerMessage): Promise<void> {
    return this.send(this.channels.messages, encodeRedisMessage(message), `the message to '${message.destination}'`);
  }

  private async send(channel: string, payload: Buffer, what: string): Promise<void> {
    if (this.closed) throw new StompBrokerUnavailableError(`Redis broker unavailable: could not publish ${what} (the broker is closed)`);
    // Without the subscriber connection this instance's own subscribers would miss the message.
    if (!this.publisher.isReady || !this.subscriber.isReady) {
      throw new StompBrokerUnavailableError(`Redis broker unavailable: could not publish ${what} (${this.downReason()})`);
    }
    try {
      await this.publisher.client.publish(channel, payload);
    } catch (error) {
      throw new StompBrokerUnavailableError(`Redis broker unavailable: could not publish ${what} (${this.publisher.describeFailure(error)})`, { cause: error });
    }
  }

  /** A message from Redis, published by any instance: deliver it to this instance's subscribers. */
  private received(channel: Buffer, payload: Buffer): void {
    // Runs inside ioredis's reply parser: nothing may be thrown back into it.
    const name = channel.toString();
    try {
      if (name === this.channels.messages) this.local.publish(decodeRedisMessage(payload));
      else if (name === this.channels.cluster) this.cluster.received(payload.toString('utf8'));
    } catch (error) {
      this.logger.error(`Dropped a message from Redis channel '${name}': ${(error as Error).message}`, (error as Error).stack);
    }
  }

  private onReadiness(connected: boolean): void {
    if (this.closed || connected === this.connected) return;
    this.connected = connected;
    if (!this.started) return;
    if (connected) this.logger.log(`Redis broker available again at ${this.displayUrl}`);
    else this.logger.warn(`Redis broker unavailable (${this.downReason()}); sends fail until it is back`);
    this.availability.next(connected);
  }

  private downReason(): string {
    return [this.publisher, this.subscriber]
      .filter((connection) => !connection.isReady)
      .map((connection) => connection.downReason)
      .join('; ');
  }
}
