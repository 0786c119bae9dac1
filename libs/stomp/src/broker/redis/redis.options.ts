/** Redis pub/sub between instances, each fanning out to its own clients. */
export interface StompRedisOptions {
  readonly kind: 'redis';
  /** Default `'redis://127.0.0.1:6379'`. */
  readonly url?: string;
  /** Prefix of the Redis channels; instances with the same prefix share messages. Default `'nest-stomp'`. */
  readonly channelPrefix?: string;
}
