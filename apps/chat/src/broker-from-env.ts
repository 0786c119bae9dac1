import type { StompBrokerOptions } from 'nest-stomp';

/**
 * The broker, from the environment:
 * - `STOMP_BROKER=simple` (default): the embedded broker, one instance;
 * - `STOMP_BROKER=relay`: an external STOMP broker (RabbitMQ's STOMP plugin), at
 *   `STOMP_RELAY_ADDRESSES` (`host:port,host:port`, default `127.0.0.1:61613`), logging in with
 *   `STOMP_RELAY_LOGIN` / `STOMP_RELAY_PASSCODE` (default guest/guest);
 * - `STOMP_BROKER=redis`: several instances over Redis at `REDIS_URL` (default `redis://127.0.0.1:6379`),
 *   on the channels of `REDIS_CHANNEL_PREFIX` (default `nest-stomp`): instances with the same one share messages.
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
      return { kind, url: env.REDIS_URL ?? 'redis://127.0.0.1:6379', ...(env.REDIS_CHANNEL_PREFIX ? { channelPrefix: env.REDIS_CHANNEL_PREFIX } : {}) };
    case 'kafka':
      return {
        kind,
        brokers: (env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((broker) => broker.trim()),
        ...(env.KAFKA_TOPIC_PREFIX ? { topicPrefix: env.KAFKA_TOPIC_PREFIX } : {}),
      };
    default:
      throw new Error(`STOMP_BROKER='${kind}': expected simple, relay, redis or kafka`);
  }
}

function parseAddress(text: string): { host: string; port: number } {
  const [host, port] = text.trim().split(':');
  if (!host || !port || !Number.isInteger(Number(port))) throw new Error(`STOMP_RELAY_ADDRESSES: '${text}' is not host:port`);
  return { host, port: Number(port) };
}
