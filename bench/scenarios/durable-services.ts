import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect as connectNats, type NatsConnection } from '@nats-io/transport-node';
import { Admin } from '@platformatic/kafka';
import { Redis } from 'ioredis';
import type { BenchConfig } from '../config.js';
import { listeningPid } from '../harness/broker-process.js';
import { KafkaProcess } from '../harness/kafka-process.js';
import type { DurableServerId } from '../harness/server-kinds.js';
import type { ConnectDurable } from '../load/durable-client.js';
import { directStream, JetStreamDurableClient } from '../load/jetstream-client.js';
import { directTopic, KafkaDurableClient } from '../load/kafka-client.js';
import { RedisStreamsDurableClient } from '../load/redis-streams-client.js';
import { DURABLE_ENV } from '../shared/durable-names.js';

const PROBE_TIMEOUT_MS = 3000;

/**
 * The services (g) measures through, found (Redis, NATS) or started (Kafka) once per bench run:
 * which answer, their processes (whose CPU each run reads), the run's prefix, and the removal of
 * what the rounds stored (after each run, and at the end).
 */
export class DurableServices {
  readonly notes: string[] = [];
  readonly unavailable: Partial<Record<DurableServerId, string>> = {};
  private redis: Redis | undefined;
  private nats: { nc: NatsConnection; jsm: JetStreamManager } | undefined;
  private kafka: { process: KafkaProcess; admin: Admin } | undefined;
  private clientCounter = 0;

  private constructor(
    /** Letters and digits, new for every bench run: all keys, subjects, streams and topics of the run start with it. */
    readonly prefix: string,
    private readonly config: BenchConfig,
  ) {}

  static async prepare(config: BenchConfig): Promise<DurableServices> {
    const services = new DurableServices(`benchg${Date.now().toString(36)}`, config);
    const wanted = (...ids: DurableServerId[]) => ids.some((id) => config.servers.includes(id));
    if (wanted('nest-stomp-redis-streams', 'redis-streams-direct')) await services.findRedis();
    if (wanted('nest-stomp-jetstream', 'jetstream-direct')) await services.findNats();
    if (wanted('nest-stomp-kafka', 'kafka-direct')) await services.startKafka();
    services.notes.push(
      `(g) ${config.durable.subscribers} subscribers, window ${config.durable.windowMessages} msgs, ${config.durable.durationSeconds} s measured after ` +
        `${config.durable.warmupSeconds} s; replay of ${config.durable.replayMessages} messages; keys, streams and topics prefixed ${services.prefix}`,
    );
    return services;
  }

  /** What the nest-stomp servers of (g) read from their environment. */
  serverEnvironment(config: BenchConfig): Record<string, string> {
    return {
      [DURABLE_ENV.prefix]: this.prefix,
      [DURABLE_ENV.redisUrl]: config.durableServices.redisUrl,
      [DURABLE_ENV.natsServers]: config.durableServices.natsServers,
      [DURABLE_ENV.kafkaBrokers]: this.kafka?.process.address ?? '',
      [DURABLE_ENV.keepMessages]: String(Math.max(200_000, 2 * config.durable.replayMessages)),
    };
  }

  /** The clients of a baseline that talks to its service directly. */
  baselineConnector(server: DurableServerId): ConnectDurable {
    const { durableServices } = this.config;
    const keep = Math.max(200_000, 2 * this.config.durable.replayMessages);
    switch (server) {
      case 'redis-streams-direct':
        return () => RedisStreamsDurableClient.connect(durableServices.redisUrl, this.prefix, keep);
      case 'jetstream-direct':
        return () => JetStreamDurableClient.connect(durableServices.natsServers, this.prefix);
      case 'kafka-direct':
        return () => KafkaDurableClient.connect([this.kafka!.process.address], this.prefix, `c${++this.clientCounter}`);
      default:
        throw new Error(`${server} is served by a process of the bench, not a baseline client`);
    }
  }

  /** The service process a run of `server` goes through, whose CPU is measured beside the server's. */
  brokerPid(server: DurableServerId): number | undefined {
    if (server.includes('redis')) return listeningPid(portOf(this.config.durableServices.redisUrl, 6379));
    if (server.includes('jetstream')) return listeningPid(portOf(this.config.durableServices.natsServers, 4222));
    if (server.includes('kafka')) return this.kafka?.process.pid;
    return undefined;
  }

  /** What a baseline's streams need before use (nest-stomp makes its own). */
  async createStreams(server: DurableServerId, names: readonly string[]): Promise<void> {
    if (server === 'jetstream-direct') {
      const { name, subjects } = directStream(this.prefix);
      const keep = Math.max(200_000, 2 * this.config.durable.replayMessages);
      await this.nats!.jsm.streams.add({ name, subjects: [subjects], max_msgs_per_subject: keep, storage: 'file' as never });
    }
    if (server === 'kafka-direct') {
      await this.kafka!.admin.createTopics({ topics: names.map((name) => directTopic(this.prefix, name)), partitions: 1, replicas: 1 });
    }
  }

  /**
   * Removes what a run stored in the shared services (its server still runs: JetStream streams are
   * purged, not deleted, since the nest-stomp server holds them). Kafka is the bench's own.
   */
  async cleanUp(server: DurableServerId): Promise<void> {
    if (server.includes('redis')) await this.deleteRedisKeys();
    if (server.includes('jetstream')) await this.forEachStream((name) => this.nats!.jsm.streams.purge(name));
  }

  async finish(): Promise<void> {
    if (this.redis) {
      await this.deleteRedisKeys().catch(() => undefined);
      this.redis.disconnect();
    }
    if (this.nats) {
      await this.forEachStream((name) => this.nats!.jsm.streams.delete(name)).catch(() => undefined);
      await this.nats.nc.close().catch(() => undefined);
    }
    if (this.kafka) {
      await this.kafka.admin.close().catch(() => undefined);
      await this.kafka.process.destroy();
    }
  }

  private async findRedis(): Promise<void> {
    const url = this.config.durableServices.redisUrl;
    const redis = new Redis(url, { lazyConnect: true, connectTimeout: PROBE_TIMEOUT_MS, maxRetriesPerRequest: 0, retryStrategy: () => null });
    try {
      await redis.connect();
      const version = /redis_version:([\d.]+)/.exec(await redis.info('server'))?.[1] ?? 'unknown';
      const [major = 0, minor = 0] = version.split('.').map(Number);
      if (major < 6 || (major === 6 && minor < 2)) throw new Error(`Redis ${version} is older than 6.2, which Redis Streams mode needs`);
      this.redis = redis;
      this.notes.push(`(g) Redis ${version} at ${url}, pid ${this.brokerPid('redis-streams-direct') ?? 'not found (its CPU is not measured)'}; not started by the bench, unpinned`);
    } catch (error) {
      redis.disconnect();
      this.markUnavailable(['nest-stomp-redis-streams', 'redis-streams-direct'], `Redis at ${url} did not answer (${(error as Error).message}); set BENCH_REDIS_URL`);
    }
  }

  private async findNats(): Promise<void> {
    const servers = this.config.durableServices.natsServers;
    try {
      const nc = await connectNats({ servers, timeout: PROBE_TIMEOUT_MS, reconnect: false });
      try {
        const jsm = await jetstreamManager(nc);
        await jsm.getAccountInfo();
        this.nats = { nc, jsm };
        this.notes.push(`(g) nats-server ${nc.info?.version ?? ''} with JetStream at ${servers}, pid ${this.brokerPid('jetstream-direct') ?? 'not found (its CPU is not measured)'}; not started by the bench, unpinned`);
      } catch (error) {
        await nc.close();
        throw error;
      }
    } catch (error) {
      this.markUnavailable(['nest-stomp-jetstream', 'jetstream-direct'], `NATS with JetStream at ${servers} did not answer (${(error as Error).message}); set BENCH_NATS_SERVERS`);
    }
  }

  private async startKafka(): Promise<void> {
    const why = KafkaProcess.unavailable();
    if (why) {
      this.markUnavailable(['nest-stomp-kafka', 'kafka-direct'], `no Kafka could be started: ${why}`);
      return;
    }
    try {
      const process = await KafkaProcess.start();
      const admin = new Admin({ clientId: 'nest-stomp-bench-admin', bootstrapBrokers: [process.address] });
      this.kafka = { process, admin };
      this.notes.push(`(g) Apache Kafka (KRaft, single node, -Xmx512m) started by the bench at ${process.address}, pid ${process.pid}, on every CPU`);
    } catch (error) {
      this.markUnavailable(['nest-stomp-kafka', 'kafka-direct'], `Kafka did not start (${(error as Error).message.slice(0, 300)})`);
    }
  }

  private markUnavailable(servers: readonly DurableServerId[], why: string): void {
    for (const server of servers) this.unavailable[server] = why;
  }

  private async deleteRedisKeys(): Promise<void> {
    const redis = this.redis!;
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${this.prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.unlink(...keys);
    } while (cursor !== '0');
  }

  private async forEachStream(act: (name: string) => Promise<unknown>): Promise<void> {
    const own = this.prefix.toUpperCase();
    for await (const info of this.nats!.jsm.streams.list()) {
      if (info.config.name.startsWith(`${own}_`)) await act(info.config.name);
    }
  }
}

function portOf(address: string, fallback: number): number {
  const port = Number(/:(\d+)(?:\/|,|$)/.exec(address)?.[1]);
  return Number.isInteger(port) && port > 0 ? port : fallback;
}
