import type { StompRedisOptions } from './redis/redis.options.js';
import type { StompRelayOptions } from './relay/relay.options.js';

/** Which broker serves the broker prefixes. */
export type StompBrokerOptions = { readonly kind: 'simple' } | StompRelayOptions | StompRedisOptions;
