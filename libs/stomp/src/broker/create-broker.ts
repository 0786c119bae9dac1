import type { BrokerSettings } from './broker.options.js';
import { JetStreamBroker } from './jetstream/jetstream-broker.js';
import { KafkaBroker } from './kafka/kafka-broker.js';
import type { MessageBroker } from './message-broker.js';
import { RedisBroker } from './redis/redis-broker.js';
import { StompBrokerRelay } from './relay/stomp-broker-relay.js';
import { RetentionPolicy } from './retention/retention-policy.js';
import type { RetentionSettings } from './retention/retention.options.js';
import { MessageHistory } from './simple/message-history.js';
import { QUEUE_DEFAULTS } from './simple/queue-settings.js';
import { SimpleBroker, type SimpleBrokerSettings } from './simple/simple-broker.js';

/** The resolved options the brokers read besides their own settings. */
export interface BrokerWideOptions extends Partial<SimpleBrokerSettings> {
  readonly retention?: readonly RetentionSettings[];
  readonly maxHistoryBytes?: number;
}

/**
 * The broker the resolved `broker` option asks for (or the application's own instance). `options`:
 * the settings of the brokers that deliver themselves (simple, Redis: pattern budgets, queues,
 * acknowledgements), the `queuePrefixes` every broker with queues of its own reads (JetStream,
 * Kafka), and the `retention` rules the embedded broker keeps a history of and Redis's streams mode keeps in Redis
 * (Redis pub/sub keeps none: each instance would number a destination's messages its own way).
 */
export function createBroker(broker: BrokerSettings | MessageBroker, pathSeparator: '/' | '.', options: BrokerWideOptions = {}): MessageBroker {
  if (!('kind' in broker)) return broker;
  const queuePrefixes = options.queuePrefixes ?? QUEUE_DEFAULTS.queuePrefixes;
  switch (broker.kind) {
    case 'simple':
      return new SimpleBroker(pathSeparator, options, embeddedHistory(options, pathSeparator));
    case 'redis':
      return new RedisBroker(broker, pathSeparator, options, options.retention);
    case 'jetstream':
      return new JetStreamBroker({ ...broker, queuePrefixes }, pathSeparator, options.retention ?? [], options);
    case 'relay':
      return new StompBrokerRelay(broker, pathSeparator);
    case 'kafka':
      return new KafkaBroker({ ...broker, queuePrefixes }, { pathSeparator, retention: options.retention ?? [] });
    default:
      // Unreachable: the options resolver refuses other kinds.
      throw new Error(`broker kind '${(broker as { kind: string }).kind}' is not available`);
  }
}

/** The embedded broker's history when `retention` names destinations; none otherwise. */
function embeddedHistory({ retention = [], maxHistoryBytes }: BrokerWideOptions, pathSeparator: '/' | '.'): MessageHistory | undefined {
  if (retention.length === 0) return undefined;
  return new MessageHistory(new RetentionPolicy(retention, pathSeparator), maxHistoryBytes ?? Number.POSITIVE_INFINITY);
}
