import type { StompClientQueueRule } from './client-queue-policy.js';

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
  /** Login of each client's own broker connection, and of the one that carries the shared topic subscriptions. */
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
  /**
   * Client subscriptions to the same `/topic/...` destination share one broker subscription, on a
   * broker connection of the relay's own (with `clientLogin`), instead of one each on the client's
   * connection: RabbitMQ then copies and sends each message once per destination rather than once
   * per client session (its CPU bounds a wide fan-out), and holds one auto-delete queue per
   * destination rather than one per subscription. The relay gives each client its copy, with its
   * own `subscription` id. Only plain subscriptions are shared: with `ack:client` or
   * `client-individual`, `prefetch-count` or `x-stream-offset`, and to `/queue/...` and other
   * destinations, a client keeps its own broker subscription. A destination is first tried on the
   * subscribing client's own connection, so that a SUBSCRIBE the broker refuses ends that client's
   * session only. Losing the shared connection ends the
   * sessions subscribed through it, as losing their own would. `false`: Spring's behaviour, every
   * subscription on its session's own connection. Default `true`.
   */
  readonly shareTopicSubscriptions?: boolean;
}
