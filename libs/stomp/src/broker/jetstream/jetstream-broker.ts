import { randomUUID } from 'node:crypto';
import { BehaviorSubject, distinctUntilChanged, filter, type Observable, type Subscription } from 'rxjs';
import { StompBrokerUnavailableError } from '../../errors/stomp-broker-unavailable.error.js';
import { StompProtocolError } from '../../errors/stomp-protocol.error.js';
import { DestinationPattern } from '../../protocol/destination-pattern.js';
import type { StompHeaders } from '../../protocol/stomp-frame.js';
import { MessageIds } from '../../util/message-ids.js';
import { StompLogger } from '../../util/stomp-logger.js';
import type { BrokerMessage, BrokerSubscriber, MessageBroker } from '../message-broker.js';
import { RetentionPolicy } from '../retention/retention-policy.js';
import type { RetentionSettings } from '../retention/retention.options.js';
import { parseStreamOffset, STREAM_OFFSET_HEADER, type StreamOffset } from '../retention/stream-offset.js';
import { PATTERN_SUBSCRIPTION_DEFAULTS, type PatternSubscriptionLimits } from '../simple/pattern-budget.js';
import { checkSubscriptionPattern, isPattern } from '../simple/subscription-pattern.js';
import { ChannelCluster } from '../channel-cluster.js';
import { JetStreamConnection, type NatsSession } from './jetstream-connection.js';
import type { JetStreamSettings } from './jetstream-settings.js';
import { ensureStreams, planStreams, type StreamPlan } from './jetstream-streams.js';
import { NatsFlush } from './jetstream-flush.js';
import { decodeNatsMessage, encodeNatsMessage } from './jetstream-message-codec.js';
import { QueueReaders } from './jetstream-queue-consumer.js';
import { LiveTopics, readsLive } from './jetstream-live-topics.js';
import { unknownAck } from './jetstream-session-acks.js';
import { SessionSubscriptions } from './jetstream-session-subscriptions.js';
import { JetStreamSubjects } from './jetstream-subjects.js';
import { JetStreamSubscription, type AckMode, type Settlement } from './jetstream-subscription.js';
import { TopicReaders, type ReaderTarget } from './jetstream-topic-readers.js';

const LIVE: StreamOffset = { kind: 'next' };
const ACK_MODES: readonly string[] = ['auto', 'client', 'client-individual'];

/**
 * Broker destinations on NATS JetStream, shared by every application instance connected to the same
 * NATS with the same `subjectPrefix` (README "JetStream").
 *
 * - A destination kept by a `retention` rule is published to that rule's stream and resolves once
 *   JetStream stored it (its PubAck). A subscription that replays or acknowledges reads it with an
 *   ordered consumer of its own, from where `x-stream-offset` says; the live `auto` subscriptions
 *   of a destination on this instance share one ({@link LiveTopics}). Every MESSAGE carries the
 *   stream sequence as its `x-stream-offset`, which increases along each destination (one
 *   destination is one subject of one stream), with gaps where other destinations' messages sit.
 * - A destination under a `queuePrefixes` prefix is a work queue: one durable consumer per
 *   destination, shared by its subscribers on every instance, so each message goes to one of them;
 *   ACK/NACK are JetStream's ack/nak, and a NACKed (or unacknowledged, when its subscriber goes)
 *   message is redelivered with `redelivered:true`.
 * - Any other destination travels on core NATS: every subscriber on every instance gets it, nothing
 *   is kept, and a publish resolves once the server has it (a flush).
 *
 * While NATS is unreachable, publishes and subscriptions reject at once with
 * {@link StompBrokerUnavailableError}; the client reconnects, and ordered and queue consumers resume
 * where they were.
 */
export class JetStreamBroker implements MessageBroker {
  readonly cluster: ChannelCluster;
  /** Whether JetStream can take messages: first known when `start()` has settled, then on every change. */
  readonly availability$: Observable<boolean>;
  private readonly availability = new BehaviorSubject<boolean | undefined>(undefined);
  private readonly connection: JetStreamConnection;
  private readonly plans: readonly StreamPlan[];
  private readonly subjects: JetStreamSubjects;
  private readonly topics: TopicReaders;
  private readonly live: LiveTopics;
  private readonly queues: QueueReaders;
  private readonly flusher: NatsFlush;
  private readonly clusterSubject: string;
  private readonly ids = new MessageIds('j');
  private readonly subscriptions: SessionSubscriptions;
  private readonly logger = new StompLogger('StompModule');
  /** Connections whose cluster subscription is made (the client renews it on every reconnection). */
  private readonly clusterListened = new WeakSet<object>();
  private readonly readiness: Subscription;
  private started = false;
  private closed = false;

  /**
   * `settings` as the options resolver leaves them; `retention`: the resolved `retention` option;
   * `patternLimits` bound the pattern subscriptions of this instance's clients, as on the embedded broker.
   */
  constructor(
    private readonly settings: JetStreamSettings,
    private readonly separator: '/' | '.',
    retention: readonly RetentionSettings[] = [],
    patternLimits: Partial<PatternSubscriptionLimits> = {},
  ) {
    this.subscriptions = new SessionSubscriptions(this.ids, { ...PATTERN_SUBSCRIPTION_DEFAULTS, ...patternLimits });
    this.plans = planStreams(retention, settings);
    this.flusher = new NatsFlush(settings.publishTimeout);
    const flush = (nc: NatsSession['nc']) => this.flusher.flush(nc);
    this.queues = new QueueReaders(this.plans[this.plans.length - 1]!.name, settings, flush);
    this.subjects = new JetStreamSubjects(separator, settings.subjectPrefix, settings.queuePrefixes, new RetentionPolicy(retention, separator), retention);
    this.topics = new TopicReaders(this.subjects, this.plans.slice(0, retention.length).map((plan) => plan.name), flush);
    this.live = new LiveTopics(
      separator,
      this.ids,
      decodeNatsMessage,
      this.logger,
      (session, target, pattern) => this.topics.read(session, target, pattern, LIVE),
      (session, destination, pattern) => this.topics.nextPositions(session, destination, pattern),
    );
    this.clusterSubject = `${settings.subjectPrefix}.cluster`;
    const instanceId = randomUUID();
    this.cluster = new ChannelCluster(instanceId, (data) => this.sendCluster(data));
    this.connection = new JetStreamConnection(settings, `nest-stomp:${instanceId}`, this.logger, (session) => this.prepare(session));
    this.availability$ = this.availability.pipe(
      filter((available): available is boolean => available !== undefined),
      distinctUntilChanged(),
    );
    this.readiness = this.connection.ready$.subscribe((ready) => this.onReadiness(ready));
  }

  get isAvailable(): boolean {
    return this.connection.isReady;
  }

  /** Destinations and patterns whose live subscriptions share readers on this instance (see {@link LiveTopics}). */
  get sharedReaderCount(): number {
    return this.live.size;
  }

  /** Number of this instance's live subscriptions. */
  get subscriptionCount(): number {
    return this.subscriptions.count;
  }

  /**
   * Connects and creates or checks the streams. Resolves once that is done, or once NATS proved
   * unreachable (or `startTimeout` passed): the application starts either way, unavailable until then.
   */
  async start(): Promise<void> {
    if (this.started || this.closed) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.settings.startTimeout)));
    await Promise.race([this.connection.start(), timeout]).finally(() => clearTimeout(timer));
    if (this.closed) return;
    this.started = true;
    const where = this.settings.servers.join(', ');
    if (this.connection.isReady) this.logger.log(`JetStream broker connected to ${where} (streams ${this.plans.map((plan) => plan.name).join(', ')})`);
    else this.logger.warn(`JetStream broker unavailable at start-up (${this.connection.downReason}); retrying in the background, sends fail until then`);
    this.availability.next(this.connection.isReady);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const subscriber of this.subscriptions.subscribers) this.unsubscribeAll(subscriber);
    await this.connection.close();
    this.readiness.unsubscribe();
    if (this.started) this.availability.next(false);
    this.availability.complete();
    this.cluster.complete();
  }

  async subscribe(subscriber: BrokerSubscriber, subscriptionId: string, destination: string, headers: StompHeaders): Promise<void> {
    const offset = parseStreamOffset(headers[STREAM_OFFSET_HEADER]);
    checkSubscriptionPattern(destination, this.separator);
    const pattern = isPattern(destination);
    const queue = this.subjects.isQueue(destination);
    if (queue && pattern) {
      throw new StompProtocolError(
        'STOMP_ERR_ILLEGAL_HEADER',
        `Queue '${destination}' is a pattern: on the JetStream broker a queue subscription names one queue (each message goes to one of its subscribers)`,
      );
    }
    const session = this.requireSession(`could not subscribe to '${destination}'`);
    const ackMode = (ACK_MODES.includes(headers.ack ?? '') ? headers.ack : 'auto') as AckMode;
    const matcher = pattern ? new DestinationPattern(destination, this.separator) : undefined;
    const prefetch = queue ? undefined : this.settings.prefetch;
    const subscription = this.subscriptions.add(
      subscriber,
      subscriptionId,
      pattern,
      (acks) => new JetStreamSubscription(subscriber, subscriptionId, destination, ackMode, matcher, this.ids, acks, prefetch),
    );
    try {
      if (queue) await this.queues.read(session, this.subjects.queueSubject(destination), subscription, (...message) => this.receive(subscription, ...message));
      else if (readsLive(ackMode, offset)) await this.live.join(session, subscription);
      else await this.topics.read(session, this.targetOf(subscription), pattern, offset);
    } catch (error) {
      this.unsubscribe(subscriber, subscriptionId);
      throw this.unavailable(`could not subscribe to '${destination}'`, error);
    }
  }

  unsubscribe(subscriber: BrokerSubscriber, subscriptionId: string): void {
    this.subscriptions.remove(subscriber, subscriptionId);
  }

  unsubscribeAll(subscriber: BrokerSubscriber): void {
    this.subscriptions.removeAll(subscriber);
  }

  /** Resolves once JetStream stored the message (retained and queue destinations) or NATS has it (others). */
  async publish(message: BrokerMessage): Promise<void> {
    const what = `could not publish the message to '${message.destination}'`;
    const { nc, js } = this.requireSession(what);
    const payload = encodeNatsMessage(message);
    const { subject, stored } = this.subjects.publishSubject(message.destination);
    try {
      if (stored) await js.publish(subject, payload, { timeout: this.settings.publishTimeout });
      else {
        nc.publish(subject, payload);
        await this.flusher.batched(nc);
      }
    } catch (error) {
      throw this.unavailable(what, error);
    }
  }

  acknowledge(subscriber: BrokerSubscriber, command: 'ACK' | 'NACK', headers: StompHeaders): void {
    const ackId = subscriber.version === '1.2' ? headers.id : headers['message-id'];
    const acks = this.subscriptions.acksOf(subscriber);
    if (!acks) throw unknownAck(command, ackId);
    acks.settle(command, ackId);
  }

  /** A subscription as the target of topic readers of its own. */
  private targetOf(subscription: JetStreamSubscription): ReaderTarget {
    return {
      destination: subscription.destination,
      addReader: (stop, resume) => subscription.addReader(stop, resume),
      receive: (data, headers) => this.receive(subscription, data, headers),
    };
  }

  /** A message from NATS for one subscription. Runs in the NATS client's dispatch: nothing may be thrown back into it. */
  private receive(subscription: JetStreamSubscription, data: Uint8Array, headers: Record<string, string>, settlement?: Settlement): void {
    try {
      // A copy: the client may reuse its read buffer, and a MESSAGE can wait in a slow session's queue.
      subscription.deliver(decodeNatsMessage(Buffer.from(data)), headers, settlement);
    } catch (error) {
      // A message that cannot be decoded would fail the same way on every redelivery.
      if (settlement?.term) settlement.term(`nest-stomp could not read it: ${(error as Error).message}`);
      else settlement?.nak();
      this.logger.error(`Dropped a message from NATS for '${subscription.destination}': ${(error as Error).message}`, (error as Error).stack);
    }
  }

  /** After every (re)connection: the streams exist as planned, and the cluster subject is listened to. */
  private async prepare(session: NatsSession): Promise<void> {
    await ensureStreams(session.jsm, this.plans);
    this.queues.forgetConsumers();
    if (!this.clusterListened.has(session.nc)) {
      this.clusterListened.add(session.nc);
      session.nc.subscribe(this.clusterSubject, {
        callback: (error, msg) => {
          if (!error) this.cluster.received(msg.string());
        },
      });
      await this.flusher.flush(session.nc);
    }
  }

  private async sendCluster(data: string): Promise<void> {
    const what = 'could not publish a cluster message';
    const { nc } = this.requireSession(what);
    try {
      nc.publish(this.clusterSubject, data);
      await this.flusher.flush(nc);
    } catch (error) {
      throw this.unavailable(what, error);
    }
  }

  private requireSession(what: string): NatsSession {
    const session = this.closed ? undefined : this.connection.session;
    if (!session) throw new StompBrokerUnavailableError(`JetStream broker unavailable: ${what} (${this.closed ? 'the broker is closed' : this.connection.downReason})`);
    return session;
  }

  private unavailable(what: string, error: unknown): Error {
    if (error instanceof StompProtocolError || error instanceof StompBrokerUnavailableError) return error;
    const reason = this.connection.isReady ? `NATS answered: ${(error as Error).message}` : this.connection.downReason;
    return new StompBrokerUnavailableError(`JetStream broker unavailable: ${what} (${reason})`, { cause: error });
  }

  /** Back after an outage: every subscription's stream readers go on from the last message they delivered. */
  private resumeReaders(): void {
    const session = this.connection.session;
    if (!session) return;
    this.live.resume(session);
    for (const subscription of this.subscriptions.all()) {
      subscription.resume(session).catch((error: Error) => {
        this.logger.error(`Could not resume the subscription to '${subscription.destination}' after NATS came back: ${error.message}`);
        subscription.subscriber.brokerLost(`the JetStream broker could not resume the subscription to '${subscription.destination}' (${error.message})`);
      });
    }
  }

  private onReadiness(ready: boolean): void {
    if (this.closed || !this.started) return;
    const where = this.settings.servers.join(', ');
    if (ready) {
      this.resumeReaders();
      this.logger.log(`JetStream broker available again at ${where}`);
    } else this.logger.warn(`JetStream broker unavailable (${this.connection.downReason}); sends fail until it is back`);
    this.availability.next(ready);
  }
}
