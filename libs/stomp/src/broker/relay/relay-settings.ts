import { StompConfigurationError } from '../../errors/stomp-configuration.error.js';
import { isAudience } from '../../interfaces/stomp-audience.js';
import type { StompClientQueueRule } from './client-queue-policy.js';
import type { StompBrokerAddress, StompRelayOptions } from './relay.options.js';

/** Relay options with Spring's defaults applied. */
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
}

export function relaySettings(options: StompRelayOptions): RelaySettings {
  return {
    addresses: options.addresses?.length ? options.addresses : [{ host: '127.0.0.1', port: 61613 }],
    clientLogin: options.clientLogin ?? 'guest',
    clientPasscode: options.clientPasscode ?? 'guest',
    systemLogin: options.systemLogin ?? 'guest',
    systemPasscode: options.systemPasscode ?? 'guest',
    virtualHost: options.virtualHost,
    heartbeat: options.heartbeat ?? [10000, 10000],
    reconnectDelay: options.reconnectDelay ?? 1000,
    maxReconnectDelay: options.maxReconnectDelay ?? 30000,
    connectTimeout: options.connectTimeout ?? 5000,
    clientQueues: clientQueueRules(options.clientQueues ?? []),
  };
}

function clientQueueRules(rules: readonly StompClientQueueRule[]): readonly StompClientQueueRule[] {
  const valid = Array.isArray(rules) && rules.every((rule) => typeof rule?.destination === 'string' && rule.destination.startsWith('/queue/') && isAudience(rule.allow));
  if (!valid) {
    throw StompConfigurationError.invalid(
      'broker',
      "the relay's clientQueues must be rules like { destination: '/queue/jobs', allow: 'everyone' | 'authenticated' | 'nobody' | (principal) => boolean }",
    );
  }
  return rules;
}
