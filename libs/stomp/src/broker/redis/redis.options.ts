/**
 * Redis pub/sub between instances, each fanning out to its own clients. Each setting not given takes
 * its default from `STOMP_DEFAULTS.redis`.
 */
export interface StompRedisOptions {
  readonly kind: 'redis';
  readonly url?: string;
  /** Prefix of the Redis channels; instances with the same prefix share messages. */
  readonly channelPrefix?: string;
  /** How long start-up waits for Redis before the application starts without it, in ms. */
  readonly startTimeout?: number;
  /** Time for one TCP connection to Redis to be established, in ms. */
  readonly connectTimeout?: number;
  /** Longest a PUBLISH or SUBSCRIBE waits for Redis's answer before it fails, in ms. */
  readonly commandTimeout?: number;
  /** First delay before a lost connection is re-established, in ms, doubling on each failed attempt up to `maxReconnectDelay`. */
  readonly reconnectDelay?: number;
  readonly maxReconnectDelay?: number;
}
