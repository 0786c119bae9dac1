/** What a full point-to-point queue does with one more message: RabbitMQ's `x-overflow` values. */
export type QueueOverflow = 'drop-head' | 'reject-publish';

/** Point-to-point queues and acknowledgements on the embedded broker (the module's options of the same names). */
export interface QueueSettings {
  /** Destination prefixes (each ending in `/`) whose messages go to one consumer each. */
  readonly queuePrefixes: readonly string[];
  /** Messages one queue holds while none of its consumers is ready. */
  readonly maxQueuedMessages: number;
  /** Bytes the broker holds for all queues together: waiting and unacknowledged messages alike. */
  readonly maxQueuedBytes: number;
  readonly queueOverflow: QueueOverflow;
  /** `prefetch-count` of a `client` / `client-individual` subscription that names none. */
  readonly prefetchCount: number;
  /** Largest `prefetch-count` a SUBSCRIBE may ask for. */
  readonly maxPrefetchCount: number;
}

/** A SimpleBroker made without settings (tests, the bench) uses STOMP_DEFAULTS' values, repeated here (the broker cannot read the module's options; a spec compares them). */
export const QUEUE_DEFAULTS: QueueSettings = {
  queuePrefixes: ['/queue/'],
  maxQueuedMessages: 10_000,
  maxQueuedBytes: 64 * 1024 * 1024,
  queueOverflow: 'drop-head',
  prefetchCount: 100,
  maxPrefetchCount: 1000,
};
