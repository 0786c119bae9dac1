/** One address of an external STOMP broker. */
export interface StompBrokerAddress {
  readonly host: string;
  readonly port: number;
}

/**
 * Spring's `enableStompBrokerRelay`: broker destinations live on an external STOMP broker (RabbitMQ,
 * ActiveMQ). Each setting not given takes its default from `STOMP_DEFAULTS.relay`.
 */
export interface StompRelayOptions {
  readonly kind: 'relay';
  /** Broker addresses, tried in order on every (re)connection: failover, which Spring lacks. */
  readonly addresses?: readonly StompBrokerAddress[];
  /** Login of each client's own broker connection. */
  readonly clientLogin?: string;
  readonly clientPasscode?: string;
  /** Login of the shared "system" connection that carries server-side sends. */
  readonly systemLogin?: string;
  readonly systemPasscode?: string;
  /** `host` header of CONNECT: RabbitMQ's virtual host. Default: none (the broker's default, `/` for RabbitMQ). */
  readonly virtualHost?: string;
  /** Heart-beat of every broker connection, `[send, receive]` ms. */
  readonly heartbeat?: readonly [number, number];
  /** First delay before the system connection reconnects, in ms, doubling up to `maxReconnectDelay`. */
  readonly reconnectDelay?: number;
  readonly maxReconnectDelay?: number;
  /** Time for a broker connection to be CONNECTED, in ms. */
  readonly connectTimeout?: number;
}
