/**
 * One rule of the `retention` option: which broker destinations a durable broker (JetStream,
 * Redis Streams, Kafka, the embedded broker's history) keeps in a log that subscribers replay with
 * `x-stream-offset`, and how much of it. The first rule whose `destinations` match decides.
 */
export interface StompRetentionOptions {
  /** Destinations or Ant-style patterns (`/topic/chat.*`, `/topic/rooms/**`), in the `pathSeparator`'s segments. */
  readonly destinations: string | readonly string[];
  /** Most messages kept per destination; older ones go first. Default `STOMP_DEFAULTS.retentionRule.maxMessages`. */
  readonly maxMessages?: number;
  /** ms a message is kept. Default `STOMP_DEFAULTS.retentionRule.maxAge` (24 hours). */
  readonly maxAge?: number;
  /** Most bytes (bodies and headers) kept per destination. Default `STOMP_DEFAULTS.retentionRule.maxBytes`. */
  readonly maxBytes?: number;
}

/** A retention rule once resolved: every limit given. */
export interface RetentionSettings {
  readonly destinations: readonly string[];
  readonly maxMessages: number;
  readonly maxAge: number;
  readonly maxBytes: number;
}
