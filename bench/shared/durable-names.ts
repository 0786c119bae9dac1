/**
 * Names (g) shares between the generator and the nest-stomp servers it starts. Every stream of a
 * round gets a name of its own (letters and digits, the same through every broker's mapping); the
 * run's prefix keeps the bench's keys, streams and topics apart from anything else on the shared
 * Redis and NATS, and lets the scenario remove them afterwards.
 */

/** Retained destinations of the nest-stomp servers: `/topic/durable/<name>`. */
export const DURABLE_TOPIC_ROOT = '/topic/durable/';
export const DURABLE_RETENTION_PATTERN = '/topic/durable/**';

/** Environment the nest-stomp servers of (g) read (children inherit the generator's environment). */
export const DURABLE_ENV = {
  prefix: 'BENCH_DURABLE_PREFIX',
  redisUrl: 'BENCH_DURABLE_REDIS_URL',
  natsServers: 'BENCH_DURABLE_NATS_SERVERS',
  kafkaBrokers: 'BENCH_DURABLE_KAFKA_BROKERS',
  /** Messages each retained destination must keep: the replay's count, and some room. */
  keepMessages: 'BENCH_DURABLE_KEEP_MESSAGES',
} as const;

export function durableDestination(name: string): string {
  return `${DURABLE_TOPIC_ROOT}${name}`;
}
