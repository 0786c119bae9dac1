import type { BrokerSettings } from './broker.options.js';
import type { MessageBroker } from './message-broker.js';
import { RedisBroker } from './redis/redis-broker.js';
import { StompBrokerRelay } from './relay/stomp-broker-relay.js';
import { SimpleBroker } from './simple/simple-broker.js';

/** The broker the resolved `broker` option asks for (or the application's own instance). */
export function createBroker(broker: BrokerSettings | MessageBroker, pathSeparator: '/' | '.'): MessageBroker {
  if (!('kind' in broker)) return broker;
  switch (broker.kind) {
    case 'simple':
      return new SimpleBroker(pathSeparator);
    case 'redis':
      return new RedisBroker(broker, pathSeparator);
    case 'relay':
      return new StompBrokerRelay(broker);
    default:
      // Unreachable: the options resolver refuses other kinds.
      throw new Error(`broker kind '${(broker as { kind: string }).kind}' is not available`);
  }
}
