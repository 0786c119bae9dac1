/**
 * NATS JetStream (README "JetStream"): destinations become subjects, retained destinations are kept
 * in streams made from the `retention` option, `/queue` destinations are shared work queues across
 * every instance. Each setting not given takes its default from `STOMP_DEFAULTS.jetstream`.
 */
export interface StompJetStreamOptions {
  readonly kind: 'jetstream';
  /** NATS server URLs (`nats://user:pass@host:4222`, or `host:port`); the client tries each. */
  readonly servers?: string | readonly string[];
  /** First token(s) of every subject this library publishes; instances with the same prefix share messages. */
  readonly subjectPrefix?: string;
  /** Prefix of the names of the streams this library creates (`<prefix>_R0`... per retention rule, `<prefix>_Q` for queues). */
  readonly streamPrefix?: string;
  /** How long start-up waits for NATS before the application starts without it, in ms. */
  readonly startTimeout?: number;
  /** Time for one connection attempt to NATS, in ms. */
  readonly connectTimeout?: number;
  /** Delay between attempts to re-establish a lost connection, in ms. */
  readonly reconnectDelay?: number;
  /** Longest a publish waits for JetStream's acknowledgement (or core NATS's flush) before it fails, in ms. */
  readonly publishTimeout?: number;
  /** ms a queue message delivered to a `client`/`client-individual` subscriber may stay unacknowledged before JetStream redelivers it. */
  readonly ackWait?: number;
  /**
   * Most messages of one queue delivered and not yet acknowledged, over all its subscribers
   * (JetStream's `max_ack_pending`); on a topic, most unacknowledged ids one subscription remembers.
   */
  readonly prefetch?: number;
  /** Most messages a queue keeps per destination while no subscriber takes them. */
  readonly queueMaxMessages?: number;
  /** ms a queue message waits for a subscriber before JetStream drops it. */
  readonly queueMaxAge?: number;
}
