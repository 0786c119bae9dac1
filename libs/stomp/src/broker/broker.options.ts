import type { JetStreamSettings } from './jetstream/jetstream-settings.js';
import type { StompJetStreamOptions } from './jetstream/jetstream.options.js';
import type { KafkaBrokerSettings } from './kafka/kafka-broker-settings.js';
import type { StompKafkaOptions } from './kafka/kafka.options.js';
import type { RedisBrokerSettings } from './redis/redis-broker-settings.js';
import type { StompRedisOptions } from './redis/redis.options.js';
import type { RelaySettings } from './relay/relay-settings.js';
import type { StompRelayOptions } from './relay/relay.options.js';

/** Which broker serves the broker prefixes. */
export type StompBrokerOptions = { readonly kind: 'simple' } | StompRelayOptions | StompRedisOptions | StompJetStreamOptions | StompKafkaOptions;

/** The `broker` option once resolved: every setting of its kind given, defaults applied and checked. */
export type BrokerSettings =
  | { readonly kind: 'simple' }
  | ({ readonly kind: 'relay' } & RelaySettings)
  | ({ readonly kind: 'redis' } & RedisBrokerSettings)
  // Their point-to-point prefixes are the module's `queuePrefixes`, added when the broker is made.
  | ({ readonly kind: 'jetstream' } & Omit<JetStreamSettings, 'queuePrefixes'>)
  | ({ readonly kind: 'kafka' } & Omit<KafkaBrokerSettings, 'queuePrefixes'>);
