import type { StompClientQueueRule } from './client-queue-policy.js';

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
  /**
   * Which `/queue/...` destinations clients may SEND or SUBSCRIBE to, and who, since on RabbitMQ (and
   * ActiveMQ) the first use of `/queue/<name>` creates a queue that outlives the client and the
   * application. The first rule whose destination pattern matches decides; none: the frame is
   * refused with an ERROR. Server-side sends are not concerned. Queue-shaping SEND headers
   * (`durable`, `auto-delete`, `exclusive`, `x-message-ttl`, `x-max-length`, `x-queue-type`,
   * `x-dead-letter-*`, `x-expires`...) never pass from a client; `persistent` only to an admitted
   * `/queue/...`. Default `[]`: no client creates a queue.
   *
   * @example clientQueues: [{ destination: '/queue/jobs', allow: 'authenticated' }]
   */
  readonly clientQueues?: readonly StompClientQueueRule[];
}
