/** One address of an external STOMP broker. */
export interface StompBrokerAddress {
  readonly host: string;
  readonly port: number;
}

/** Spring's `enableStompBrokerRelay`: broker destinations live on an external STOMP broker (RabbitMQ, ActiveMQ). */
export interface StompRelayOptions {
  readonly kind: 'relay';
  /**
   * Broker addresses, tried in order on every (re)connection: failover, which Spring lacks.
   * Default `[{ host: '127.0.0.1', port: 61613 }]`.
   */
  readonly addresses?: readonly StompBrokerAddress[];
  /** Login of each client's own broker connection. Default `'guest'`. */
  readonly clientLogin?: string;
  /** Default `'guest'`. */
  readonly clientPasscode?: string;
  /** Login of the shared "system" connection that carries server-side sends. Default `'guest'`. */
  readonly systemLogin?: string;
  /** Default `'guest'`. */
  readonly systemPasscode?: string;
  /** `host` header of CONNECT: RabbitMQ's virtual host. Default: none (the broker's default, `/` for RabbitMQ). */
  readonly virtualHost?: string;
  /** Heart-beat of every broker connection, `[send, receive]` ms. Default `[10000, 10000]`. */
  readonly heartbeat?: readonly [number, number];
  /** First delay before the system connection reconnects, doubling up to `maxReconnectDelay`. Default 1000. */
  readonly reconnectDelay?: number;
  /** Default 30000. */
  readonly maxReconnectDelay?: number;
  /** Time for a broker connection to be CONNECTED, in ms. Default 5000. */
  readonly connectTimeout?: number;
}
