/** The JetStream broker's options resolved: every one given (see StompJetStreamOptions for each one's meaning). */
export interface JetStreamSettings {
  readonly servers: readonly string[];
  readonly subjectPrefix: string;
  readonly streamPrefix: string;
  /** The module's `queuePrefixes`: destinations that are work queues across every instance. */
  readonly queuePrefixes: readonly string[];
  readonly startTimeout: number;
  readonly connectTimeout: number;
  readonly reconnectDelay: number;
  readonly publishTimeout: number;
  readonly ackWait: number;
  readonly prefetch: number;
  readonly queueMaxMessages: number;
  readonly queueMaxAge: number;
}
