import type { ResolvedStompOptions } from '../stomp.options.js';
import type { MessageBroker } from './message-broker.js';
import { SimpleBroker } from './simple-broker.js';

/** The broker the `broker` option asks for. */
export function createBroker(options: ResolvedStompOptions): MessageBroker {
  const { broker } = options;
  if (!('kind' in broker)) return broker;
  switch (broker.kind) {
    case 'simple':
      return new SimpleBroker(options.pathSeparator);
    default:
      throw new Error(`broker kind '${broker.kind}' is not available yet`);
  }
}
