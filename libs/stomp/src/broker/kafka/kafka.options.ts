/**
 * Apache Kafka between instances (README "Kafka"): each broker destination is a topic of one
 * partition, `/topic` destinations fan out to every instance, `/queue` destinations go to one
 * consumer of the application's group, and subscribers replay with `x-stream-offset`. Each setting
 * not given takes its default from `STOMP_DEFAULTS.kafka`.
 */
export interface StompKafkaOptions {
  readonly kind: 'kafka';
  /** Bootstrap brokers, `host:port` each. */
  readonly brokers?: readonly string[];
  /** Client id the Kafka brokers see (their logs and quotas). */
  readonly clientId?: string;
  /**
   * Start of every topic name (letters, digits, `.` and `-`); instances with the same prefix share
   * destinations. A destination's topic is this prefix then the destination, `/` written `.` and every
   * other character but letters and digits as `-` and two hex digits of its UTF-8 bytes.
   */
  readonly topicPrefix?: string;
  /** Consumer group of the application: each `/queue` destination is read by the group `<groupId>.<topic>`. */
  readonly groupId?: string;
  /** Replicas of each topic this broker creates. Default: the Kafka cluster's `default.replication.factor`. */
  readonly replicationFactor?: number;
  /** How long start-up waits for Kafka before the application starts without it, in ms. */
  readonly startTimeout?: number;
  /** Time for one TCP connection to a Kafka broker to be established, in ms. */
  readonly connectTimeout?: number;
  /** Longest a produce, metadata or offsets request waits for Kafka's answer, in ms. */
  readonly requestTimeout?: number;
  /** First delay before reading from a lost Kafka is tried again, in ms, doubling on each failed attempt up to `maxReconnectDelay`. */
  readonly reconnectDelay?: number;
  readonly maxReconnectDelay?: number;
  /** Longest a fetch waits for new messages before it is sent again, in ms: also how soon a new subscription starts reading. */
  readonly fetchMaxWait?: number;
  /** Messages of one `/queue` destination an instance holds delivered but not acknowledged before it stops reading more. */
  readonly maxUnackedPerQueue?: number;
  /**
   * Most topics this instance uses (one per destination, created on first use): a SEND or SUBSCRIBE
   * to a destination past it gets an ERROR, so clients inventing destinations cannot fill Kafka with
   * topics nor this process's memory with their metadata.
   */
  readonly maxTopics?: number;
}
