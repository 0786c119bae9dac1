/** The Redis broker's options resolved: every one given (see StompRedisOptions for each one's meaning). */
export interface RedisBrokerSettings {
  readonly url: string;
  readonly mode: 'pubsub' | 'streams';
  readonly channelPrefix: string;
  /** How long `start()` waits for Redis before the application starts without it. */
  readonly startTimeout: number;
  /** Time for one TCP connection to Redis to be established. */
  readonly connectTimeout: number;
  /** Longest a PUBLISH or SUBSCRIBE waits for Redis's answer before it fails. */
  readonly commandTimeout: number;
  /** First delay before a lost connection is re-established, doubling on each failed attempt... */
  readonly reconnectDelay: number;
  /** ...up to this. */
  readonly maxReconnectDelay: number;
}

/**
 * Delay before reconnection attempt `attempt` (1, 2, ...): capped exponential back-off, less up to
 * 10% of jitter so that many instances losing the same Redis do not all come back in the same instant.
 */
export function reconnectDelay(attempt: number, settings: Pick<RedisBrokerSettings, 'reconnectDelay' | 'maxReconnectDelay'>, random = Math.random): number {
  const base = Math.min(settings.reconnectDelay * 2 ** Math.min(attempt - 1, 30), settings.maxReconnectDelay);
  return Math.round(base * (1 - 0.1 * random()));
}
