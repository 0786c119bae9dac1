import type { RetentionSettings } from '../retention/retention.options.js';

/** The Kafka broker's options resolved (see StompKafkaOptions for each one's meaning). */
export interface KafkaBrokerSettings {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly topicPrefix: string;
  readonly groupId: string;
  /** The module's `queuePrefixes`: destinations read point-to-point by the group; the others fan out. */
  readonly queuePrefixes: readonly string[];
  /** `undefined`: the Kafka cluster's default. */
  readonly replicationFactor?: number | undefined;
  readonly startTimeout: number;
  readonly connectTimeout: number;
  readonly requestTimeout: number;
  readonly reconnectDelay: number;
  readonly maxReconnectDelay: number;
  readonly fetchMaxWait: number;
  readonly maxUnackedPerQueue: number;
  readonly maxTopics: number;
}

/** What else the Kafka broker reads of the resolved options. */
export interface KafkaBrokerContext {
  readonly pathSeparator: '/' | '.';
  /** The `retention` rules: each topic created is given the limits of the rule matching its destination. */
  readonly retention: readonly RetentionSettings[];
}
