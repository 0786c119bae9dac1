/**
 * Redis pub/sub between instances, each fanning out to its own clients. Each setting not given takes
 * its default from `STOMP_DEFAULTS.redis`.
 */
export interface StompRedisOptions {
  readonly kind: 'redis';
  readonly url?: string;
  /**
   * `'pubsub'`: every message over Redis pub/sub, kept nowhere. `'streams'`: the destinations the
   * `retention` option names go through Redis Streams (XADD, read by every instance from its last
   * id), so they can be replayed with `x-stream-offset` and an instance cut off from Redis catches
   * up; the others still over pub/sub.
   */
  readonly mode?: 'pubsub' | 'streams';
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
