import type { StompClientQueueRule } from './client-queue-policy.js';
import type { StompBrokerAddress } from './relay.options.js';

/** The relay's options resolved: every one given (see StompRelayOptions for each one's meaning). */
export interface RelaySettings {
  readonly addresses: readonly StompBrokerAddress[];
  readonly clientLogin: string;
  readonly clientPasscode: string;
  readonly systemLogin: string;
  readonly systemPasscode: string;
  readonly virtualHost: string | undefined;
  readonly heartbeat: readonly [number, number];
  readonly reconnectDelay: number;
  readonly maxReconnectDelay: number;
  readonly connectTimeout: number;
  readonly clientQueues: readonly StompClientQueueRule[];
  readonly shareTopicSubscriptions: boolean;
}
