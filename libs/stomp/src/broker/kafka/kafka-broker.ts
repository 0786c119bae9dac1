import { randomUUID } from 'node:crypto';
import type { Observable } from 'rxjs';
import type { StompBrokerUnavailableError } from '../../errors/stomp-broker-unavailable.error.js';
import { StompProtocolError } from '../../errors/stomp-protocol.error.js';
import type { StompHeaders } from '../../protocol/stomp-frame.js';
import { importOptionalPackage } from '../../util/optional-package.js';
import { StompLogger } from '../../util/stomp-logger.js';
import { truncate } from '../../util/truncate.js';
import { ChannelCluster } from '../channel-cluster.js';
import type { BrokerMessage, BrokerSubscriber, MessageBroker } from '../message-broker.js';
import { reconnectDelay } from '../redis/redis-broker-settings.js';
import { RetentionPolicy } from '../retention/retention-policy.js';
import { parseStreamOffset, STREAM_OFFSET_HEADER } from '../retention/stream-offset.js';
import { isPattern } from '../simple/subscription-pattern.js';
import { KafkaAvailability } from './kafka-availability.js';
import type { KafkaBrokerContext, KafkaBrokerSettings } from './kafka-broker-settings.js';
import { createKafkaClients, type KafkaClients, type KafkaPackage } from './kafka-clients.js';
import type { KafkaFanOut, LogReader } from './kafka-fan-out.js';
import { offsetAtTimestamp, startOffset, topicBounds } from './kafka-offsets.js';
import type { KafkaQueue, QueueSubscription } from './kafka-queue.js';
import { KafkaQueues } from './kafka-queues.js';
import { recordOf } from './kafka-record.js';
import { clusterTopic, topicOfDestination } from './kafka-topic-names.js';

/** A `/topic` subscription of a client: a reader of its destination's topic. */
interface TopicSubscription {
  readonly topic: string;
  readonly reader: LogReader;
}

/**
 * Apache Kafka between application instances. Each broker destination is a topic of one partition
 * (so a destination keeps its order, and a message's offset in it is its `x-stream-offset`). A
 * `/topic` destination fans out: each instance reads the topics its clients subscribe to, each
 * subscription from its own offset ({@link KafkaFanOut}). A `/queue` destination is read by one
 * consumer group for the application ({@link KafkaQueue}). A SEND is confirmed once every in-sync
 * replica has it (acks=all). User destinations and the user registry travel on a cluster topic.
 *
 * The broker is available while the fetch loop reads from Kafka; when it fails, sends reject at
 * once with {@link StompBrokerUnavailableError} and the loop tries again with capped back-off.
 */
export class KafkaBroker implements MessageBroker {
  readonly cluster: ChannelCluster;
  readonly availability$: Observable<boolean>;
  private readonly logger = new StompLogger('StompModule');
  private readonly availability: KafkaAvailability;
  /** The Kafka clients, made by start() (the client package is an ES module, imported then). */
  private clients: KafkaClients | undefined;
  private readonly subscriptions = new Map<BrokerSubscriber, Map<string, TopicSubscription>>();
  private readonly queues: KafkaQueues;
  private readonly clusterTopicName: string;
  private readonly retention: RetentionPolicy;
  private readonly instanceId = randomUUID();

  constructor(
    private readonly settings: KafkaBrokerSettings,
    context: KafkaBrokerContext,
  ) {
    this.retention = new RetentionPolicy(context.retention, context.pathSeparator);
    this.clusterTopicName = clusterTopic(settings.topicPrefix);
    this.cluster = new ChannelCluster(this.instanceId, (data) => this.send(this.clusterTopicName, Buffer.from(data, 'utf8'), new Map(), 'a cluster message'));
    this.availability = new KafkaAvailability(settings, this.logger);
    this.availability$ = this.availability.availability$;
    this.queues = new KafkaQueues(settings, this.availability, () => this.clients, this.logger);
  }

  get isAvailable(): boolean {
    return this.availability.isAvailable;
  }

  /**
   * Creates the cluster topic and starts reading it from its end. Resolves once Kafka answered, or
   * once `startTimeout` passed: the application starts either way, unavailable until Kafka is back.
   */
  async start(): Promise<void> {
    if (this.availability.isClosed || this.clients) return;
    const kafka = await importOptionalPackage<KafkaPackage>('@platformatic/kafka', "The Kafka broker (broker: { kind: 'kafka' })");
    this.clients = createKafkaClients(kafka, this.settings, this.retention, this.instanceId, (ok, error) => this.availability.fetched(ok, error));
    const answered = this.availability.firstAnswer(this.settings.startTimeout);
    this.joinCluster(this.clients);
    await answered;
    if (this.availability.isClosed) return;
    this.availability.reportStart();
  }

  async close(): Promise<void> {
    if (this.availability.isClosed) return;
    this.availability.close();
    const clients = this.clients;
    if (clients) {
      await clients.fanOut.close();
      await this.queues.close();
      await Promise.all([clients.producer.close(), clients.offsets.close(), clients.fetcher.close(), clients.admin.close()].map((closing) => closing.catch(() => undefined)));
    }
    this.availability.complete();
    this.cluster.complete();
  }

  async subscribe(subscriber: BrokerSubscriber, subscriptionId: string, destination: string, headers: StompHeaders): Promise<void> {
    if (isPattern(destination)) {
      throw new StompProtocolError('STOMP_ERR_REFUSED', `SUBSCRIBE refused: the Kafka broker reads one topic per destination, so '${truncate(destination)}' cannot be a pattern`);
    }
    const start = parseStreamOffset(headers[STREAM_OFFSET_HEADER]);
    const ackMode = (headers.ack ?? 'auto') as QueueSubscription['ackMode'];
    const name = topicOfDestination(this.settings.topicPrefix, destination);
    const action = `subscribe to '${destination}'`;
    const { topics, fanOut, offsets } = this.checkAvailable(action);
    if (this.queues.isQueue(destination)) {
      if (start.kind !== 'next') {
        throw new StompProtocolError(
          'STOMP_ERR_BAD_STREAM_OFFSET',
          `Invalid ${STREAM_OFFSET_HEADER} header '${truncate(headers[STREAM_OFFSET_HEADER] ?? '')}': '${truncate(destination)}' is a queue, read from the application's committed offset`,
        );
      }
      await this.queues.subscribe(destination, name, { subscriber, subscriptionId, ackMode });
      return;
    }
    const topic = await this.availability.unavailableOnFailure(action, () => topics.ensure(destination, name));
    const next = await this.availability.unavailableOnFailure(action, async () =>
      startOffset(start, await topicBounds(offsets, topic), (timestamp) => offsetAtTimestamp(this.checkAvailable('read offsets').offsets, topic, timestamp)),
    );
    if (subscriber.isClosed) return;
    const reader: LogReader = {
      next,
      receive: (record, template) => {
        const messageId = `${topic.name}@${record.offset}`;
        subscriber.deliverMessage(template(), subscriptionId, messageId, ackMode === 'auto' ? undefined : messageId);
      },
    };
    let own = this.subscriptions.get(subscriber);
    if (!own) this.subscriptions.set(subscriber, (own = new Map()));
    own.set(subscriptionId, { topic: topic.name, reader });
    fanOut.add(topic, reader);
  }

  unsubscribe(subscriber: BrokerSubscriber, subscriptionId: string): void {
    const own = this.subscriptions.get(subscriber);
    const subscription = own?.get(subscriptionId);
    if (subscription) {
      own!.delete(subscriptionId);
      this.clients?.fanOut.remove(subscription.topic, subscription.reader);
    }
    this.queues.unsubscribe((candidate) => candidate.subscriber === subscriber && candidate.subscriptionId === subscriptionId);
  }

  unsubscribeAll(subscriber: BrokerSubscriber): void {
    for (const subscription of this.subscriptions.get(subscriber)?.values() ?? []) this.clients?.fanOut.remove(subscription.topic, subscription.reader);
    this.subscriptions.delete(subscriber);
    this.queues.unsubscribe((candidate) => candidate.subscriber === subscriber);
  }

  /** Resolves once every in-sync replica has the message; rejects with {@link StompBrokerUnavailableError} when Kafka cannot take it. */
  async publish(message: BrokerMessage): Promise<void> {
    const name = topicOfDestination(this.settings.topicPrefix, message.destination);
    const what = `the message to '${message.destination}'`;
    const { topics } = this.checkAvailable(`publish ${what}`);
    await this.availability.unavailableOnFailure(`publish ${what}`, () => topics.ensure(message.destination, name));
    const { headers, value } = recordOf(message);
    await this.send(name, value, headers, what);
  }

  /**
   * A client's ACK or NACK. For a `/queue` message it settles the delivery (ACK commits, NACK hands
   * it to another subscriber); a `/topic` message needs none (each subscriber keeps its own offset),
   * so its ACK and NACK are accepted and change nothing. An id that names no message this session
   * was given, or one already settled, is a `STOMP_ERR_UNKNOWN_ACK` ERROR.
   */
  async acknowledge(subscriber: BrokerSubscriber, command: 'ACK' | 'NACK', headers: StompHeaders): Promise<void> {
    const ackId = headers.id ?? headers['message-id'] ?? '';
    const delivery = /^([A-Za-z0-9.-]+)@(\d+)(#\d+)?$/.exec(ackId);
    if (delivery && delivery[3] === undefined && this.subscribedTo(subscriber, delivery[1]!)) return;
    if (delivery?.[3] && (await this.queues.settle(subscriber, delivery[1]!, ackId, command))) return;
    throw new StompProtocolError('STOMP_ERR_UNKNOWN_ACK', `${command} of '${truncate(ackId)}': no message of that id awaits acknowledgement in this session`);
  }

  /**
   * Resolves once this instance's consumer of the `/queue` destination joined the application's
   * group (after the rebalance it caused); at once when it has no subscriber of it. Until then the
   * group may still move the destination's partition between instances.
   */
  queueJoined(destination: string): Promise<void> {
    return this.queues.joined(destination);
  }

  private subscribedTo(subscriber: BrokerSubscriber, topic: string): boolean {
    for (const subscription of this.subscriptions.get(subscriber)?.values() ?? []) if (subscription.topic === topic) return true;
    return false;
  }

  /** Reads the cluster topic from its end, once Kafka can create it. */
  private joinCluster({ topics, fanOut, offsets }: KafkaClients): void {
    const join = async (attempt: number): Promise<void> => {
      if (this.availability.isClosed) return;
      try {
        const topic = await topics.ensure('', this.clusterTopicName);
        const { end } = await topicBounds(offsets, topic);
        fanOut.add(topic, { next: end, receive: (record) => this.cluster.received(record.value?.toString('utf8') ?? '') });
        fanOut.start();
      } catch (error) {
        this.availability.fetched(false, error);
        await new Promise((resolve) => setTimeout(resolve, reconnectDelay(attempt, this.settings)).unref());
        return join(attempt + 1);
      }
    };
    void join(1);
  }

  private async send(topic: string, value: Buffer, headers: Map<Buffer, Buffer>, what: string): Promise<void> {
    const { producer } = this.checkAvailable(`publish ${what}`);
    await this.availability.unavailableOnFailure(`publish ${what}`, async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await producer.send({ messages: [{ topic, partition: 0, value, headers }], acks: -1 });
        } catch (error) {
          // A topic created a moment ago (its leader already serving it) can still be unknown to the
          // broker the producer asks for metadata, under load: that answer catches up within a moment.
          if (attempt >= UNKNOWN_TOPIC_RETRIES || this.availability.isClosed || !isUnknownTopic(error, topic)) throw error;
          await new Promise((resolve) => setTimeout(resolve, 50 * attempt).unref());
        }
      }
    });
  }

  /** The clients, while Kafka is there; else a {@link StompBrokerUnavailableError} saying why not. */
  private checkAvailable(action: string): KafkaClients {
    return this.availability.check(action, this.clients);
  }
}

/** How many times a SEND to a topic the producer's metadata does not know yet is tried. */
const UNKNOWN_TOPIC_RETRIES = 5;

/** The client's "Unknown topic <name>." for this topic, which it gives when its metadata lags. */
function isUnknownTopic(error: unknown, topic: string): boolean {
  if (!(error instanceof Error)) return false;
  if (error.message.includes(`Unknown topic ${topic}.`)) return true;
  // The client may wrap it among the errors of its retries.
  const inner = (error as { errors?: unknown }).errors;
  return Array.isArray(inner) && inner.some((one) => isUnknownTopic(one, topic));
}
