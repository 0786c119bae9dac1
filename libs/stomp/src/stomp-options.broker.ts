import type { BrokerSettings } from './broker/broker.options.js';
import type { JetStreamSettings } from './broker/jetstream/jetstream-settings.js';
import type { StompJetStreamOptions } from './broker/jetstream/jetstream.options.js';
import type { KafkaBrokerSettings } from './broker/kafka/kafka-broker-settings.js';
import type { StompKafkaOptions } from './broker/kafka/kafka.options.js';
import type { MessageBroker } from './broker/message-broker.js';
import type { RedisBrokerSettings } from './broker/redis/redis-broker-settings.js';
import type { StompRedisOptions } from './broker/redis/redis.options.js';
import type { StompClientQueueRule } from './broker/relay/client-queue-policy.js';
import type { RelaySettings } from './broker/relay/relay-settings.js';
import type { StompBrokerAddress, StompRelayOptions } from './broker/relay/relay.options.js';
import { StompConfigurationError } from './errors/stomp-configuration.error.js';
import { isAudience } from './interfaces/stomp-audience.js';
import {
  flag,
  heartbeatPair,
  isObject,
  listOf,
  nonEmptyText,
  oneOf,
  optional,
  positiveInteger,
  rejectUnknownKeys,
  resolveTable,
  text,
  timer,
  type Check,
  type OptionTable,
} from './stomp-options.checks.js';
import { STOMP_DEFAULTS } from './stomp.options.js';

const brokerAddress: Check<StompBrokerAddress> = (value, option) => {
  if (!isObject(value)) throw StompConfigurationError.invalid(option, `expected { host, port }, got ${JSON.stringify(value)}`);
  rejectUnknownKeys(value, ['host', 'port'], option);
  const host = nonEmptyText(value.host, `${option}.host`);
  if (!Number.isInteger(value.port) || (value.port as number) < 1 || (value.port as number) > 65535) {
    throw StompConfigurationError.invalid(`${option}.port`, `expected a TCP port (1-65535), got ${String(value.port)}`);
  }
  return { host, port: value.port as number };
};

const brokerAddresses: Check<StompBrokerAddress[]> = (value, option) => {
  const addresses = listOf(brokerAddress, "a list of { host, port }, e.g. [{ host: 'rabbitmq', port: 61613 }]")(value, option);
  if (addresses.length === 0) throw StompConfigurationError.invalid(option, 'the list is empty; give at least one address, or leave it out for the default');
  return addresses;
};

const CLIENT_QUEUE_RULES = "rules like [{ destination: '/queue/jobs', allow: 'everyone' | 'authenticated' | 'nobody' | (principal) => boolean }]";

/** A relay `clientQueues` rule: a destination under `/queue/` and who may create a queue there. */
const clientQueueRule: Check<StompClientQueueRule> = (value, option) => {
  if (isObject(value)) rejectUnknownKeys(value, ['destination', 'allow'], option);
  if (!isObject(value) || typeof value.destination !== 'string' || !value.destination.startsWith('/queue/') || !isAudience(value.allow)) {
    throw StompConfigurationError.invalid(option, `expected ${CLIENT_QUEUE_RULES}, with destinations under '/queue/'`);
  }
  return value as unknown as StompClientQueueRule;
};

const RELAY_OPTIONS = {
  addresses: brokerAddresses,
  clientLogin: text,
  clientPasscode: text,
  systemLogin: text,
  systemPasscode: text,
  virtualHost: optional(nonEmptyText),
  heartbeat: heartbeatPair,
  reconnectDelay: timer(positiveInteger),
  maxReconnectDelay: timer(positiveInteger),
  connectTimeout: timer(positiveInteger),
  clientQueues: listOf(clientQueueRule, CLIENT_QUEUE_RULES),
  shareTopicSubscriptions: flag,
} satisfies { readonly [K in Exclude<keyof StompRelayOptions, 'kind'>]-?: Check<RelaySettings[K]> };

const REDIS_OPTIONS = {
  url: nonEmptyText,
  mode: oneOf('pubsub', 'streams'),
  channelPrefix: nonEmptyText,
  startTimeout: timer(positiveInteger),
  connectTimeout: timer(positiveInteger),
  commandTimeout: timer(positiveInteger),
  reconnectDelay: timer(positiveInteger),
  maxReconnectDelay: timer(positiveInteger),
} satisfies { readonly [K in Exclude<keyof StompRedisOptions, 'kind'>]-?: Check<RedisBrokerSettings[K]> };

/** NATS server URLs: one string or a non-empty list of them, always a list once resolved. */
const natsServers: Check<readonly string[]> = (value, option) => {
  const servers = typeof value === 'string' ? [value] : listOf(nonEmptyText, "a URL or a list of URLs, e.g. ['nats://127.0.0.1:4222']")(value, option);
  if (servers.length === 0 || servers.some((server) => server === '')) {
    throw StompConfigurationError.invalid(option, "expected a NATS URL or a non-empty list of them, e.g. 'nats://127.0.0.1:4222'");
  }
  return servers;
};

/** Tokens of a NATS subject, without wildcards: what every subject the broker makes starts with. */
const subjectPrefix: Check<string> = (value, option) => {
  const prefix = nonEmptyText(value, option);
  if (prefix.split('.').some((token) => token === '' || /[\s*>]/.test(token))) {
    throw StompConfigurationError.invalid(option, `expected NATS subject tokens separated by '.', without '*', '>' or white space, got '${prefix}'`);
  }
  return prefix;
};

/** The start of JetStream stream names, which may not hold '.', '*', '>', path separators or white space. */
const streamPrefix: Check<string> = (value, option) => {
  const prefix = nonEmptyText(value, option);
  if (/[\s.*>/\\]/.test(prefix)) throw StompConfigurationError.invalid(option, `expected a stream name without '.', '*', '>', '/', '\\' or white space, got '${prefix}'`);
  return prefix;
};

const JETSTREAM_OPTIONS = {
  servers: natsServers,
  subjectPrefix,
  streamPrefix,
  startTimeout: timer(positiveInteger),
  connectTimeout: timer(positiveInteger),
  reconnectDelay: timer(positiveInteger),
  publishTimeout: timer(positiveInteger),
  ackWait: timer(positiveInteger),
  prefetch: positiveInteger,
  queueMaxMessages: positiveInteger,
  queueMaxAge: timer(positiveInteger),
} satisfies { readonly [K in Exclude<keyof StompJetStreamOptions, 'kind'>]-?: Check<JetStreamSettings[K]> };

const KAFKA_BROKER = /^[^\s:,]+:([1-9][0-9]{0,4})$/;

/** A Kafka bootstrap broker: `host:port`. */
const kafkaBroker: Check<string> = (value, option) => {
  const port = typeof value === 'string' ? KAFKA_BROKER.exec(value)?.[1] : undefined;
  if (port === undefined || Number(port) > 65535) throw StompConfigurationError.invalid(option, `expected 'host:port', got ${JSON.stringify(value)}`);
  return value as string;
};

const kafkaBrokers: Check<string[]> = (value, option) => {
  const brokers = listOf(kafkaBroker, "a list of 'host:port', e.g. ['kafka-1:9092', 'kafka-2:9092']")(value, option);
  if (brokers.length === 0) throw StompConfigurationError.invalid(option, 'the list is empty; give at least one broker, or leave it out for the default');
  return brokers;
};

/** Kafka topic names take letters, digits, `.`, `_` and `-`; `_` is left out so that no two topic names collide in Kafka's metrics. */
const topicPrefix: Check<string> = (value, option) => {
  const prefix = nonEmptyText(value, option);
  if (!/^[A-Za-z0-9.-]{1,100}$/.test(prefix)) throw StompConfigurationError.invalid(option, `expected letters, digits, '.' and '-' (at most 100), got ${JSON.stringify(prefix)}`);
  return prefix;
};

const KAFKA_OPTIONS = {
  brokers: kafkaBrokers,
  clientId: nonEmptyText,
  topicPrefix,
  groupId: nonEmptyText,
  replicationFactor: optional(positiveInteger),
  startTimeout: timer(positiveInteger),
  connectTimeout: timer(positiveInteger),
  requestTimeout: timer(positiveInteger),
  reconnectDelay: timer(positiveInteger),
  maxReconnectDelay: timer(positiveInteger),
  fetchMaxWait: timer(positiveInteger),
  maxUnackedPerQueue: positiveInteger,
  maxTopics: positiveInteger,
} satisfies { readonly [K in Exclude<keyof StompKafkaOptions, 'kind'>]-?: Check<KafkaBrokerSettings[K]> };

/** Each broker kind: its options (besides `kind`) and where their defaults are. */
const BROKER_KINDS: Record<BrokerSettings['kind'], { readonly table: OptionTable; readonly defaults: object }> = {
  simple: { table: {}, defaults: {} },
  relay: { table: RELAY_OPTIONS, defaults: STOMP_DEFAULTS.relay },
  redis: { table: REDIS_OPTIONS, defaults: STOMP_DEFAULTS.redis },
  jetstream: { table: JETSTREAM_OPTIONS, defaults: STOMP_DEFAULTS.jetstream },
  kafka: { table: KAFKA_OPTIONS, defaults: STOMP_DEFAULTS.kafka },
};

/** `'simple', 'relay' or 'redis'`: the kinds, as a refusal lists them. */
const KINDS = Object.keys(BROKER_KINDS).map((kind) => `'${kind}'`);
const KIND_LIST = `${KINDS.slice(0, -1).join(', ')} or ${KINDS[KINDS.length - 1]}`;

/** The `broker` option: a kind with its settings resolved against its defaults, or the application's own broker. */
export const resolveBroker: Check<BrokerSettings | MessageBroker> = (value, option) => {
  if (typeof value !== 'object' || value === null || (!('kind' in value) && typeof (value as { publish?: unknown }).publish !== 'function')) {
    throw StompConfigurationError.invalid(option, `expected { kind: ${KINDS.join(' | ')}, ... } or a MessageBroker instance`);
  }
  if (!('kind' in value)) return value as MessageBroker;
  const { kind, ...rest } = value as { kind: unknown };
  const known = Object.hasOwn(BROKER_KINDS, String(kind)) ? BROKER_KINDS[kind as BrokerSettings['kind']] : undefined;
  if (!known) throw StompConfigurationError.invalid(option, `unknown kind '${String(kind)}': expected ${KIND_LIST}`);
  rejectUnknownKeys(value, ['kind', ...Object.keys(known.table)], option);
  return { ...resolveTable(known.table, rest, known.defaults, option), kind } as BrokerSettings;
};
