import type { Logger } from '@nestjs/common';
import type { BrokerSubscriber } from '../message-broker.js';
import type { KafkaAvailability } from './kafka-availability.js';
import type { KafkaBrokerSettings } from './kafka-broker-settings.js';
import type { KafkaClients } from './kafka-clients.js';
import { KafkaQueue, type QueueSubscription } from './kafka-queue.js';
import { topicOfDestination } from './kafka-topic-names.js';

/**
 * The `/queue` side of the Kafka broker: this instance's readers of the destinations named by
 * `queuePrefixes`, one {@link KafkaQueue} (one member of the application's consumer group) per
 * destination that has a subscriber here. A reader is made by the first subscription, closed once
 * the last one left, and dropped with its subscribers when its stream fails.
 */
export class KafkaQueues {
  /** By topic name. A reader still being made is there too, so that SUBSCRIBEs meanwhile share it. */
  private readonly queues = new Map<string, Promise<KafkaQueue>>();

  constructor(
    private readonly settings: KafkaBrokerSettings,
    private readonly availability: KafkaAvailability,
    /** The broker's clients, once its start() made them. */
    private readonly clients: () => KafkaClients | undefined,
    private readonly logger: Logger,
  ) {}

  isQueue(destination: string): boolean {
    return this.settings.queuePrefixes.some((prefix) => destination.startsWith(prefix));
  }

  /** Adds the subscription to the reader of `destination` (its topic `name`), made when there is none yet. */
  async subscribe(destination: string, name: string, subscription: QueueSubscription): Promise<void> {
    const queue = await this.queueOf(destination, name);
    if (!subscription.subscriber.isClosed) queue.add(subscription);
  }

  /** Removes the subscriptions `matches` picks from every reader; a reader left without any is closed. */
  unsubscribe(matches: (subscription: QueueSubscription) => boolean): void {
    for (const pending of this.queues.values()) {
      void pending.then(
        (queue) => {
          queue.remove(matches);
          if (queue.isEmpty && this.queues.get(queue.topic.name) === pending) {
            this.queues.delete(queue.topic.name);
            void queue.close();
          }
        },
        () => undefined,
      );
    }
  }

  /** Settles the delivery `ackId` of the topic `name` to `subscriber`; false when the reader has no such delivery. */
  async settle(subscriber: BrokerSubscriber, name: string, ackId: string, command: 'ACK' | 'NACK'): Promise<boolean> {
    const queue = await this.queues.get(name)?.catch(() => undefined);
    return queue?.settle(subscriber, ackId, command) ?? false;
  }

  /**
   * Resolves once this instance's consumer of the `/queue` destination joined the application's
   * group (after the rebalance it caused); at once when it has no subscriber of it. Until then the
   * group may still move the destination's partition between instances.
   */
  async joined(destination: string): Promise<void> {
    const queue = await this.queues.get(topicOfDestination(this.settings.topicPrefix, destination))?.catch(() => undefined);
    await queue?.joined;
  }

  /** Closes every reader: each leaves its group, and what it had not settled is read again by the next member. */
  async close(): Promise<void> {
    const queues = await Promise.allSettled(this.queues.values());
    await Promise.all(queues.map((queue) => (queue.status === 'fulfilled' ? queue.value.close() : undefined)));
  }

  private queueOf(destination: string, name: string): Promise<KafkaQueue> {
    let queue = this.queues.get(name);
    if (!queue) {
      const clients = this.availability.check(`subscribe to '${destination}'`, this.clients());
      queue = this.availability.unavailableOnFailure(`subscribe to '${destination}'`, async () => {
        const topic = await clients.topics.ensure(destination, name);
        const created = new KafkaQueue(topic, clients.queueConsumer(name), { ...this.settings, sessionTimeout: 10_000 }, this.logger, (failed, error) => this.failed(failed, error));
        // Joining the group waits for the other members to rejoin (a rebalance): the SUBSCRIBE does
        // not wait for it, messages flow once the partition is assigned.
        created.start().catch((error: Error) => this.failed(created, error));
        return created;
      });
      this.queues.set(name, queue);
      queue.catch(() => this.queues.delete(name));
    }
    return queue;
  }

  /** A queue's stream failed: its subscribers lose the queue (ERROR), so they know to subscribe again. */
  private failed(queue: KafkaQueue, error: Error): void {
    this.logger.warn(`Kafka queue '${queue.topic.destination}' stopped reading (${error.message}); its subscribers are disconnected`);
    this.queues.delete(queue.topic.name);
    queue.remove((subscription) => {
      subscription.subscriber.brokerLost(`Kafka broker lost the queue '${queue.topic.destination}': ${error.message}`);
      return true;
    });
    void queue.close();
  }
}
