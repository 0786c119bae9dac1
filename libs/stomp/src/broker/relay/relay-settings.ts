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
  };
}
