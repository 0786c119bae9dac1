import type { Admin, Consumer, Producer } from '@platformatic/kafka';
import { reconnectDelay } from '../redis/redis-broker-settings.js';
import type { RetentionPolicy } from '../retention/retention-policy.js';
import type { KafkaBrokerSettings } from './kafka-broker-settings.js';
import { KafkaFanOut, type FanOutHooks } from './kafka-fan-out.js';
import { topicBounds } from './kafka-offsets.js';
import { KafkaTopics } from './kafka-topics.js';

export type KafkaPackage = typeof import('@platformatic/kafka');

/** What start() makes: the Kafka clients and what reads through them. */
export interface KafkaClients {
  readonly admin: Admin;
  readonly producer: Producer<Buffer, Buffer, Buffer, Buffer>;
  /** Offsets and metadata: kept apart from the fetcher, whose long polls would hold them up. */
  readonly offsets: Consumer<Buffer, Buffer, Buffer, Buffer>;
  readonly fetcher: Consumer<Buffer, Buffer, Buffer, Buffer>;
  readonly topics: KafkaTopics;
  readonly fanOut: KafkaFanOut;
  /** A new member of the consumer group that reads the `/queue` topic `name` for the application. */
  queueConsumer(name: string): Consumer<Buffer, Buffer, Buffer, Buffer>;
}

/**
 * The clients of one broker instance, each named `<clientId>-<instance>-<role>` so that Kafka's
 * logs tell the instances apart. `fetched` hears how each fetch of the fan-out went.
 */
export function createKafkaClients(kafka: KafkaPackage, settings: KafkaBrokerSettings, retention: RetentionPolicy, instanceId: string, fetched: FanOutHooks['fetched']): KafkaClients {
  const base = {
    bootstrapBrokers: [...settings.brokers],
    connectTimeout: settings.connectTimeout,
    requestTimeout: settings.requestTimeout,
    timeout: settings.requestTimeout,
    // The broker retries on its own schedule (and tells its clients meanwhile): one attempt each.
    retries: 0,
  };
  const clientId = `${settings.clientId}-${instanceId.slice(0, 8)}`;
  const admin = new kafka.Admin({ ...base, clientId: `${clientId}-admin` });
  const fetcher = new kafka.Consumer({ ...base, clientId: `${clientId}-fetcher`, groupId: `${settings.groupId}-fetcher` });
  const offsets = new kafka.Consumer<Buffer, Buffer, Buffer, Buffer>({ ...base, clientId: `${clientId}-offsets`, groupId: `${settings.groupId}-offsets` });
  const topics = new KafkaTopics(admin, retention, settings.replicationFactor, settings.maxTopics, (name) => offsets.listOffsets({ topics: [name] }));
  return {
    admin,
    producer: new kafka.Producer({ ...base, clientId: `${clientId}-producer`, acks: -1, autocreateTopics: false }),
    offsets,
    fetcher,
    topics,
    fanOut: new KafkaFanOut(fetcher, settings, {
      fetched,
      refreshLeaders: (refreshed) => topics.refreshLeaders(refreshed),
      bounds: (topic) => topicBounds(offsets, topic),
      retryDelay: (attempt) => reconnectDelay(attempt, settings),
    }),
    queueConsumer: (name) =>
      new kafka.Consumer({
        ...base,
        clientId: `${clientId}-queue`,
        groupId: `${settings.groupId}.${name}`,
        // Group calls meet passing states (the coordinator moving, a group being created): retried.
        retries: 10,
        retryDelay: 250,
      }),
  };
}
