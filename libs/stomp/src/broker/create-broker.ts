import type { BrokerSettings } from './broker.options.js';
import { KafkaBroker } from './kafka/kafka-broker.js';
import type { MessageBroker } from './message-broker.js';
import type { RetentionSettings } from './retention/retention.options.js';
import { RedisBroker } from './redis/redis-broker.js';
import { StompBrokerRelay } from './relay/stomp-broker-relay.js';
import type { PatternSubscriptionLimits } from './simple/pattern-budget.js';
import { SimpleBroker } from './simple/simple-broker.js';

/**
 * The broker the resolved `broker` option asks for (or the application's own instance). `patternLimits`
 * bound the pattern subscriptions of the brokers that match patterns themselves (simple, Redis);
 * `retention` rules give the durable brokers' limits (Kafka's topic retention).
 */
export function createBroker(
  broker: BrokerSettings | MessageBroker,
  pathSeparator: '/' | '.',
  patternLimits: Partial<PatternSubscriptionLimits> & { readonly retention?: readonly RetentionSettings[] } = {},
): MessageBroker {
  if (!('kind' in broker)) return broker;
  switch (broker.kind) {
    case 'simple':
      return new SimpleBroker(pathSeparator, patternLimits);
    case 'redis':
      return new RedisBroker(broker, pathSeparator, patternLimits);
    case 'relay':
      return new StompBrokerRelay(broker, pathSeparator);
    case 'kafka':
      return new KafkaBroker(broker, { pathSeparator, retention: patternLimits.retention ?? [] });
    default:
      // Unreachable: the options resolver refuses other kinds.
      throw new Error(`broker kind '${(broker as { kind: string }).kind}' is not available`);
  }
}
