import { SERVER_IDS, type ServerId } from './harness/server-kinds.js';
import { rabbitMqSettings, type RabbitMqSettings } from './shared/rabbitmq.js';

export type ScenarioId = 'a' | 'b' | 'c' | 'd' | 'e' | 'f' | 'g' | 'h' | 'i' | 'j';
export const SCENARIO_IDS: readonly ScenarioId[] = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'];

export interface BenchConfig {
  readonly quick: boolean;
  readonly scenarios: readonly ScenarioId[];
  /** Each scenario runs against those of its own servers that are in this list (all by default). */
  readonly servers: readonly ServerId[];
  /**
   * Every scenario runs this many rounds (all servers once per round, interleaved, so that drift in
   * the machine hits all alike); the report gives the median and the range.
   */
  readonly repeats: number;
  /** Measured seconds of the timed scenarios (a, b, d), after `warmupSeconds` not measured. */
  readonly durationSeconds: number;
  readonly warmupSeconds: number;
  /** Longest wait for messages still in flight when sending stops. */
  readonly drainTimeoutSeconds: number;
  readonly payloadBytes: number;
  /** Connections opened at once while setting a scenario up. */
  readonly connectConcurrency: number;
  readonly fanout: { readonly subscribers: number; readonly windowMessages: number };
  /**
   * (e): the fan-out of (a) through RabbitMQ, with (a)'s window. Its own subscriber count: every
   * client is one RabbitMQ connection (Web-STOMP directly, or the relay's STOMP connection for its
   * session), and a RabbitMQ started under the common soft limit of 1024 open files accepts about
   * 830 sockets (`rabbitmqctl status`, File Descriptors).
   */
  readonly relayFanout: { readonly subscribers: number; readonly windowMessages: number };
  readonly rabbitMq: RabbitMqSettings;
  /** (h): the fan-out of (a) on each transport of a SockJS endpoint. */
  readonly sockJsFanout: { readonly subscribers: number; readonly windowMessages: number };
  /**
   * (i): `connections` clients set up (WebSocket, CONNECT, SUBSCRIBE) with `concurrency` setups in
   * flight at once; the listen backlog of both servers is Node's default 511.
   */
  readonly storm: { readonly connections: number; readonly concurrency: number };
  /**
   * (g): the fan-out through each durable broker (1 publisher, `subscribers`, at most
   * `windowMessages` messages undelivered), measured `durationSeconds` after `warmupSeconds`, then
   * `replayMessages` stored and read back from the first.
   */
  readonly durable: {
    readonly subscribers: number;
    readonly windowMessages: number;
    readonly durationSeconds: number;
    readonly warmupSeconds: number;
    readonly replayMessages: number;
  };
  /** Where (g) finds Redis and NATS; Kafka it starts itself (Java 17 and the jars of test/support/kafka-server). */
  readonly durableServices: { readonly redisUrl: string; readonly natsServers: string };
  readonly pairs: { readonly pairs: number; readonly messagesPerSecond: number };
  readonly idle: { readonly connections: number };
  readonly requestReply: { readonly clients: number; readonly requestsPerSecond: number };
  /** Before each run, wait at most this long for other processes to drop below `quietThresholdPercent`. */
  readonly quietWaitSeconds: number;
  /** CPU of other processes, in % of one CPU, below which the machine counts as quiet. */
  readonly quietThresholdPercent: number;
  /** Extra node flags for the server processes, for diagnosis (e.g. BENCH_SERVER_NODE_ARGS=--trace-gc). */
  readonly serverNodeArgs: readonly string[];
  readonly serverCpu: number;
  readonly generatorCpu: number;
  /** Servers run under `node --cpu-prof` (first round only): BENCH_PROFILE=1 for nest-stomp (both kinds), or a list. */
  readonly profile: readonly ServerId[];
}

/**
 * The task's sizes by default; every one can be changed through BENCH_* variables, and `--quick`
 * (or BENCH_QUICK=1) makes a small smoke run.
 */
export function loadConfig(argv: readonly string[], env: NodeJS.ProcessEnv): BenchConfig {
  const quick = argv.includes('--quick') || isTrue(env.BENCH_QUICK);
  const number = (name: string, full: number, smoke: number) => positiveNumber(env, name, quick ? smoke : full);
  return {
    quick,
    scenarios: list(argumentValue(argv, '--scenarios') ?? env.BENCH_SCENARIOS, SCENARIO_IDS, 'BENCH_SCENARIOS'),
    servers: list(env.BENCH_SERVERS, SERVER_IDS, 'BENCH_SERVERS'),
    repeats: Math.round(number('BENCH_REPEATS', 3, 1)),
    durationSeconds: number('BENCH_DURATION_S', 8, 3),
    warmupSeconds: number('BENCH_WARMUP_S', 2, 1),
    drainTimeoutSeconds: number('BENCH_DRAIN_TIMEOUT_S', 15, 10),
    payloadBytes: number('BENCH_PAYLOAD_BYTES', 256, 256),
    connectConcurrency: number('BENCH_CONNECT_CONCURRENCY', 100, 50),
    fanout: {
      subscribers: number('BENCH_SUBSCRIBERS', 1000, 100),
      windowMessages: number('BENCH_FANOUT_WINDOW', 20, 20),
    },
    relayFanout: {
      subscribers: number('BENCH_RELAY_SUBSCRIBERS', 500, 100),
      windowMessages: number('BENCH_FANOUT_WINDOW', 20, 20),
    },
    rabbitMq: rabbitMqSettings(env),
    sockJsFanout: {
      subscribers: number('BENCH_SOCKJS_SUBSCRIBERS', 1000, 100),
      windowMessages: number('BENCH_FANOUT_WINDOW', 20, 20),
    },
    storm: {
      connections: number('BENCH_STORM_CONNECTIONS', 10_000, 1000),
      concurrency: number('BENCH_STORM_CONCURRENCY', 500, 500),
    },
    durable: {
      subscribers: number('BENCH_DURABLE_SUBSCRIBERS', 10, 5),
      windowMessages: number('BENCH_DURABLE_WINDOW', 1000, 1000),
      durationSeconds: number('BENCH_DURABLE_DURATION_S', 5, 3),
      warmupSeconds: number('BENCH_DURABLE_WARMUP_S', 1, 1),
      replayMessages: number('BENCH_REPLAY_MESSAGES', 100_000, 20_000),
    },
    durableServices: {
      redisUrl: env.BENCH_REDIS_URL || 'redis://127.0.0.1:6379',
      natsServers: env.BENCH_NATS_SERVERS || '127.0.0.1:4222',
    },
    pairs: { pairs: number('BENCH_PAIRS', 1000, 100), messagesPerSecond: number('BENCH_PAIR_RATE', 10, 10) },
    idle: { connections: number('BENCH_IDLE_CONNECTIONS', 10_000, 1000) },
    requestReply: { clients: number('BENCH_RR_CLIENTS', 10, 5), requestsPerSecond: number('BENCH_RR_RATE', 20, 20) },
    quietWaitSeconds: nonNegativeInteger(env, 'BENCH_QUIET_WAIT_S', quick ? 5 : 30),
    quietThresholdPercent: number('BENCH_QUIET_THRESHOLD', 20, 20),
    serverNodeArgs: (env.BENCH_SERVER_NODE_ARGS ?? '').split(/\s+/).filter(Boolean),
    serverCpu: nonNegativeInteger(env, 'BENCH_SERVER_CPU', 0),
    generatorCpu: nonNegativeInteger(env, 'BENCH_GENERATOR_CPU', 1),
    profile: profiledServers(env.BENCH_PROFILE),
  };
}

/** `--name value` or `--name=value`: `npm run bench -- --scenarios g`. */
function argumentValue(argv: readonly string[], name: string): string | undefined {
  const at = argv.indexOf(name);
  if (at !== -1) return argv[at + 1];
  return argv.find((arg) => arg.startsWith(`${name}=`))?.slice(name.length + 1);
}

function profiledServers(raw: string | undefined): readonly ServerId[] {
  if (!isTrue(raw)) return [];
  return raw === '1' || raw!.toLowerCase() === 'true' ? ['nest-stomp', 'nest-stomp-relay'] : list(raw, SERVER_IDS, 'BENCH_PROFILE');
}

function isTrue(value: string | undefined): boolean {
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}

function positiveNumber(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, not '${raw}'`);
  return value;
}

function nonNegativeInteger(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number ≥ 0, not '${raw}'`);
  return value;
}

function list<T extends string>(raw: string | undefined, all: readonly T[], name: string): readonly T[] {
  if (raw === undefined || raw.trim() === '') return all;
  const chosen = raw.split(',').map((item) => item.trim());
  const unknown = chosen.filter((item) => !all.includes(item as T));
  if (unknown.length > 0) throw new Error(`${name}: unknown ${unknown.join(', ')} (choose from ${all.join(', ')})`);
  return all.filter((item) => chosen.includes(item));
}
