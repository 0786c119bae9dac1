import { StompLogger } from '../../util/stomp-logger.js';
import { randomUUID } from 'node:crypto';
import { BehaviorSubject, combineLatest, distinctUntilChanged, filter, type Observable, type Subscription } from 'rxjs';
import type { StompHeaders } from '../../protocol/stomp-frame.js';
import type { BrokerMessage, BrokerSubscriber, MessageBroker } from '../message-broker.js';
import type { RetentionSettings } from '../retention/retention.options.js';
import { SimpleBroker, type SimpleBrokerSettings } from '../simple/simple-broker.js';
import type { RedisBrokerSettings } from './redis-broker-settings.js';
import { StompBrokerUnavailableError } from '../../errors/stomp-broker-unavailable.error.js';
import { ChannelCluster } from '../channel-cluster.js';
import { RedisConnection } from './redis-connection.js';
import { decodeRedisMessage, encodeRedisMessage } from './redis-message-codec.js';
import { describeRedisUrl } from './redis-url.js';
import { RedisStreamReader } from './streams/redis-stream-reader.js';
import { RedisStreams } from './streams/redis-streams.js';

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
 *
 * Acknowledgements (`client`, `client-individual`, `prefetch-count`) are the local broker's, as on
 * the embedded broker. A point-to-point `/queue` destination is point-to-point per instance: every
 * instance gets each message and gives it to one of its own consumers (or keeps it in its own
 * bounded queue), so with consumers on N instances a message is consumed N times. A full queue
 * drops its oldest message whatever `queueOverflow` says: Redis has accepted the message by then,
 * so nobody is left to refuse.
 *
 * `mode: 'streams'` adds Redis Streams for the destinations `retention` names (RedisStreams): they
 * are XADDed rather than published, replayable with `x-stream-offset`, and a third connection of
 * each instance reads them from its last id, so an instance cut off for a while catches up.
 */
export class RedisBroker implements MessageBroker {
  readonly cluster: ChannelCluster;
  /** Whether Redis can take messages: first known when `start()` has settled, then on every change. */
  readonly availability$: Observable<boolean>;
  private readonly availability = new BehaviorSubject<boolean | undefined>(undefined);
  private readonly local: SimpleBroker;
  private readonly publisher: RedisConnection;
  private readonly subscriber: RedisConnection;
  /** Every connection the broker needs up to be available. */
  private readonly connections: readonly RedisConnection[];
  private readonly streams: RedisStreams | undefined;
  private readonly streamReader: RedisStreamReader | undefined;
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
   * `local`: the pattern budgets, queues and acknowledgements of this instance's clients;
   * `retention` (the resolved option) says which destinations `mode: 'streams'` keeps in streams.
   */
  constructor(
    settings: RedisBrokerSettings,
    separator: '/' | '.',
    local: Partial<SimpleBrokerSettings> = {},
    retention: readonly RetentionSettings[] = [],
  ) {
    const { url, channelPrefix: prefix } = settings;
    this.settings = settings;
    this.displayUrl = describeRedisUrl(url);
    this.channels = { messages: `${prefix}:messages`, cluster: `${prefix}:cluster` };
    // A destination the streams mode keeps is a stream for the local fan-out too, not a point-to-point queue.
    this.local = new SimpleBroker(separator, { ...local, queueOverflow: 'drop-head' }, undefined, { retains: (destination) => this.streams?.ruleFor(destination) !== undefined });
    if (local.queueOverflow === 'reject-publish') {
      this.logger.warn("Option queueOverflow 'reject-publish' does not apply to the Redis broker: a message reaches each instance's queues after Redis accepted it, so a full queue drops its oldest message");
    }
    const instanceId = randomUUID();
    this.cluster = new ChannelCluster(instanceId, (data) => this.send(this.channels.cluster, Buffer.from(data, 'utf8'), 'a cluster message'));

    const connection = (role: RedisConnection['role'], prepare?: (client: RedisConnection['client']) => Promise<unknown>, blocking?: boolean) =>
      new RedisConnection(role, url, this.displayUrl, `nest-stomp:${instanceId}:${role.replace(' ', '-')}`, this.settings, this.logger, prepare, blocking);
    this.publisher = connection('publisher');
    this.subscriber = connection('subscriber', (client) => client.subscribe(this.channels.messages, this.channels.cluster));
    this.subscriber.client.on('messageBuffer', (channel: Buffer, payload: Buffer) => this.received(channel, payload));
    if (settings.mode === 'streams') {
      this.streams = new RedisStreams(prefix, retention, separator, this.local, this.publisher);
      const reader: RedisStreamReader = new RedisStreamReader(
        this.streams.keys,
        connection('stream reader', (client) => reader.prepare(client), true),
        (message) => this.local.publish(message),
        this.logger,
        Math.max(1, Math.floor(settings.commandTimeout / 2)),
        settings.reconnectDelay,
      );
      this.streamReader = reader;
    }
    this.connections = [this.publisher, this.subscriber, ...(this.streamReader ? [this.streamReader.connection] : [])];

    this.availability$ = this.availability.pipe(
      filter((available): available is boolean => available !== undefined),
      distinctUntilChanged(),
    );
    this.readiness = combineLatest(this.connections.map((c) => c.ready$)).subscribe((ready) => this.onReadiness(ready.every(Boolean)));
  }

  /** Whether every connection is up, now. */
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
    const starts = [this.publisher.start(), this.subscriber.start(), ...(this.streamReader ? [this.streamReader.start()] : [])];
    await Promise.race([Promise.all(starts), timeout]).finally(() => clearTimeout(timer));
    if (this.closed) return;
    this.started = true;
    if (this.streams?.retainsNothing) {
      this.logger.warn("Redis broker in mode 'streams' without any retention rule: every destination goes over pub/sub; name the destinations to keep in the retention option");
    }
    if (this.connected) {
      const streams = this.streams ? `; streams ${this.streams.keys.feed}, ${this.streams.keys.log('<destination>')}` : '';
      this.logger.log(`Redis broker connected to ${this.displayUrl} (channels ${this.channels.messages}, ${this.channels.cluster}${streams})`);
    } else {
      this.logger.warn(`Redis broker unavailable at start-up (${this.downReason()}); reconnecting in the background, sends fail until then`);
    }
    this.availability.next(this.connected);
  }

  /** Quits every connection; the broker is unavailable from then on. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([this.publisher.close(), this.subscriber.close(), this.streamReader?.close(), this.local.close()]);
    this.readiness.unsubscribe();
    this.connected = false;
    if (this.started) this.availability.next(false);
    this.availability.complete();
    this.cluster.complete();
  }

  /** In `mode: 'streams'`, a SUBSCRIBE to a retained destination with `x-stream-offset` resolves once its replay was delivered. */
  subscribe(subscriber: BrokerSubscriber, subscriptionId: string, destination: string, headers: StompHeaders = {}): void | Promise<void> {
    if (this.streams) return this.streams.subscribe(subscriber, subscriptionId, destination, headers);
    this.local.subscribe(subscriber, subscriptionId, destination, headers);
  }

  acknowledge(subscriber: BrokerSubscriber, command: 'ACK' | 'NACK', headers: StompHeaders): void {
    this.local.acknowledge(this.streams?.localSubscriberOf(subscriber) ?? subscriber, command, headers);
  }

  unsubscribe(subscriber: BrokerSubscriber, subscriptionId: string): void {
    if (this.streams) this.streams.unsubscribe(subscriber, subscriptionId);
    else this.local.unsubscribe(subscriber, subscriptionId);
  }

  unsubscribeAll(subscriber: BrokerSubscriber): void {
    if (this.streams) this.streams.unsubscribeAll(subscriber);
    else this.local.unsubscribeAll(subscriber);
  }

  /**
   * Resolves once Redis took the message (a retained one in `mode: 'streams'`: once XADD stored it);
   * rejects with {@link StompBrokerUnavailableError} when it cannot.
   */
  publish(message: BrokerMessage): Promise<void> {
    const rule = this.closed ? undefined : this.streams?.ruleFor(message.destination);
    if (rule) return this.streams!.publish(message, rule);
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
    return this.connections
      .filter((connection) => !connection.isReady)
      .map((connection) => connection.downReason)
      .join('; ');
  }
}
