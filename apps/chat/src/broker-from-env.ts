import type { StompBrokerOptions } from 'nest-stomp';

/**
 * The broker, from the environment:
 * - `STOMP_BROKER=simple` (default): the embedded broker, one instance, keeping the rooms' history;
 * - `STOMP_BROKER=relay`: an external STOMP broker (RabbitMQ's STOMP plugin), at
 *   `STOMP_RELAY_ADDRESSES` (`host:port,host:port`, default `127.0.0.1:61613`), logging in with
 *   `STOMP_RELAY_LOGIN` / `STOMP_RELAY_PASSCODE` (default guest/guest);
 * - `STOMP_BROKER=redis`: several instances over Redis at `REDIS_URL` (default `redis://127.0.0.1:6379`),
 *   on the channels of `REDIS_CHANNEL_PREFIX` (default `nest-stomp`): instances with the same one share messages;
 * - `STOMP_BROKER=redis-streams`: the same, with the rooms' history (`CHAT_ROOM_HISTORY`, see history-from-env.ts) in Redis Streams
 *   (`mode: 'streams'`): replayable, and caught up by an instance cut off from Redis for a while.
 * - `STOMP_BROKER=jetstream`: several instances over NATS JetStream at `NATS_URL` (default
 *   `nats://127.0.0.1:4222`, several separated by commas), on the subjects of `NATS_SUBJECT_PREFIX`
 *   and the streams of `NATS_STREAM_PREFIX` (defaults `stomp`, `STOMP`).
 * - `STOMP_BROKER=kafka`: several instances over Apache Kafka at `KAFKA_BROKERS` (`host:port,...`, default
 *   `127.0.0.1:9092`), on the topics of `KAFKA_TOPIC_PREFIX` (default `nest-stomp`).
 * `STOMP_RECONNECT_MS` sets the relay's first reconnect delay (default 1000).
 */
export function brokerFromEnv(env: NodeJS.ProcessEnv): StompBrokerOptions {
  const kind = env.STOMP_BROKER ?? 'simple';
  switch (kind) {
    case 'simple':
      return { kind };
    case 'relay': {
      const login = env.STOMP_RELAY_LOGIN ?? 'guest';
      const passcode = env.STOMP_RELAY_PASSCODE ?? 'guest';
      const reconnectDelay = env.STOMP_RECONNECT_MS ? Number(env.STOMP_RECONNECT_MS) : undefined;
      return {
        kind,
        addresses: (env.STOMP_RELAY_ADDRESSES ?? '127.0.0.1:61613').split(',').map(parseAddress),
        clientLogin: login,
        clientPasscode: passcode,
        systemLogin: login,
        systemPasscode: passcode,
        ...(reconnectDelay ? { reconnectDelay, maxReconnectDelay: Math.max(reconnectDelay * 4, 1000) } : {}),
      };
    }
    case 'redis':
    case 'redis-streams':
      return {
        kind: 'redis',
        ...(kind === 'redis-streams' ? { mode: 'streams' as const } : {}),
        url: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
        ...(env.REDIS_CHANNEL_PREFIX ? { channelPrefix: env.REDIS_CHANNEL_PREFIX } : {}),
      };
    case 'jetstream':
      return {
        kind,
        servers: (env.NATS_URL ?? 'nats://127.0.0.1:4222').split(',').map((url) => url.trim()),
        ...(env.NATS_SUBJECT_PREFIX ? { subjectPrefix: env.NATS_SUBJECT_PREFIX } : {}),
        ...(env.NATS_STREAM_PREFIX ? { streamPrefix: env.NATS_STREAM_PREFIX } : {}),
      };
    case 'kafka':
      return {
        kind,
        brokers: (env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((broker) => broker.trim()),
        ...(env.KAFKA_TOPIC_PREFIX ? { topicPrefix: env.KAFKA_TOPIC_PREFIX } : {}),
      };
    default:
      throw new Error(`STOMP_BROKER='${kind}': expected simple, relay, redis, redis-streams, jetstream or kafka`);
  }
}

function parseAddress(text: string): { host: string; port: number } {
  const [host, port] = text.trim().split(':');
  if (!host || !port || !Number.isInteger(Number(port))) throw new Error(`STOMP_RELAY_ADDRESSES: '${text}' is not host:port`);
  return { host, port: Number(port) };
}
