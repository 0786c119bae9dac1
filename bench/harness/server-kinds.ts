import type { BenchConfig } from '../config.js';
import { SockJsBenchClient } from '../load/sockjs-client.js';
import { SocketIoBenchClient } from '../load/socketio-client.js';
import { StompBenchClient } from '../load/stomp-client.js';
import type { ConnectClient } from '../load/bench-client.js';

export type ServerId =
  | 'nest-stomp'
  | 'minimal-ws'
  | 'socket.io'
  | 'nest-stomp-relay'
  | 'rabbitmq-web-stomp'
  | 'simple-broker'
  | 'nest-stomp-metrics'
  | 'sockjs-app-raw-ws'
  | 'sockjs-app-sockjs-websocket'
  | 'sockjs-app-xhr-streaming'
  | DurableServerId;

/** (g): nest-stomp on each durable broker, each beside its baseline (see scenarios/durable-brokers.scenario.ts). */
export type DurableServerId =
  | 'nest-stomp-history'
  | 'minimal-ws-history'
  | 'nest-stomp-redis-streams'
  | 'redis-streams-direct'
  | 'nest-stomp-jetstream'
  | 'jetstream-direct'
  | 'nest-stomp-kafka'
  | 'kafka-direct';

export interface ServerKind {
  readonly id: ServerId;
  readonly description: string;
  /**
   * The compiled server script, relative to bench/dist; absent for a server the bench does not
   * start (RabbitMQ: it runs on its own, and the generator connects to it directly).
   */
  readonly script?: string;
  /** Arguments given to the script. */
  readonly scriptArgs?: readonly string[];
  /** The client that speaks this server's protocol, for a started server on `port`. */
  connector(port: number, config: BenchConfig): ConnectClient;
}

/** (g) opens its own clients (STOMP or the service's), see scenarios/durable-brokers.scenario.ts. */
const durableClients: ServerKind['connector'] = () => () => Promise.reject(new Error('(g) opens its clients itself'));

const stomp = (port: number): ConnectClient => () => StompBenchClient.connect(`ws://127.0.0.1:${port}/ws`);

/**
 * Scenario (e)'s clients send the same CONNECT whether they talk to the relay or to RabbitMQ:
 * RabbitMQ's login, and host `/` (RabbitMQ reads `host` as its virtual host; nest-stomp ignores it).
 */
const rabbitMqClient =
  (url: string, config: BenchConfig): ConnectClient =>
  () =>
    StompBenchClient.connect(url, { host: '/', login: config.rabbitMq.login, passcode: config.rabbitMq.passcode });

export const SERVER_KINDS: Readonly<Record<ServerId, ServerKind>> = {
  'nest-stomp': {
    id: 'nest-stomp',
    description: 'the library: Nest app, StompModule, embedded SimpleBroker, @MessageMapping handlers',
    script: 'servers/nest-stomp-server.js',
    connector: stomp,
  },
  'minimal-ws': {
    id: 'minimal-ws',
    description: 'ceiling: minimal STOMP server on ws, one encoding per publish sent to all',
    script: 'servers/minimal-ws-server.js',
    connector: stomp,
  },
  'socket.io': {
    id: 'socket.io',
    description: 'socket.io 4 room broadcast, socket.io-client (WebSocket transport)',
    script: 'servers/socketio-server.js',
    connector: (port) => () => SocketIoBenchClient.connect(`http://127.0.0.1:${port}`),
  },
  'nest-stomp-relay': {
    id: 'nest-stomp-relay',
    description: "the library with the STOMP broker relay to RabbitMQ's STOMP plugin (one broker TCP connection per client session; the topic's subscriptions shared on one more)",
    script: 'servers/nest-stomp-relay-server.js',
    connector: (port, config) => rabbitMqClient(`ws://127.0.0.1:${port}/ws`, config),
  },
  'nest-stomp-metrics': {
    id: 'nest-stomp-metrics',
    description: 'the library as in (a), with metrics on (its own prom-client registry, scraped every second)',
    script: 'servers/nest-stomp-metrics-server.js',
    connector: stomp,
  },
  'sockjs-app-raw-ws': {
    id: 'sockjs-app-raw-ws',
    description: "baseline of (h): the app of (a) with `sockJs: true` on its endpoint, its clients on raw WebSocket (`/ws`)",
    script: 'servers/nest-stomp-sockjs-server.js',
    connector: stomp,
  },
  'sockjs-app-sockjs-websocket': {
    id: 'sockjs-app-sockjs-websocket',
    description: "(h): the same server, its clients on SockJS's websocket transport (`/ws/{server}/{session}/websocket`, SockJS framing)",
    script: 'servers/nest-stomp-sockjs-server.js',
    connector: (port) => () => SockJsBenchClient.connect(`http://127.0.0.1:${port}/ws`, 'websocket'),
  },
  'sockjs-app-xhr-streaming': {
    id: 'sockjs-app-xhr-streaming',
    description: "(h): the same server, its clients on SockJS's xhr-streaming (a streaming POST response per client, reopened after each 128 KiB; sends POSTed to xhr_send)",
    script: 'servers/nest-stomp-sockjs-server.js',
    connector: (port) => () => SockJsBenchClient.connect(`http://127.0.0.1:${port}/ws`, 'xhr-streaming'),
  },
  'rabbitmq-web-stomp': {
    id: 'rabbitmq-web-stomp',
    description: 'baseline of (e): the same clients talking to RabbitMQ Web-STOMP directly, no Node server in between',
    connector: (_port, config) => rabbitMqClient(config.rabbitMq.webStompUrl, config),
  },
  'simple-broker': {
    id: 'simple-broker',
    description: "(f): the library's embedded SimpleBroker inside the bench process, no network: what matching and fan-out cost the broker itself",
    connector: () => () => Promise.reject(new Error('(f) runs the broker in the bench process: it has no clients')),
  },
  'nest-stomp-history': {
    id: 'nest-stomp-history',
    description: "(g): the library, embedded broker with history (`retention`), clients SEND to the retained /topic directly",
    script: 'servers/nest-stomp-durable-server.js',
    scriptArgs: ['simple'],
    connector: durableClients,
  },
  'minimal-ws-history': {
    id: 'minimal-ws-history',
    description: '(g) baseline of the embedded history: minimal STOMP server on ws with a bare in-memory array as its log (one encoding per publish, replay writes the stored frames)',
    script: 'servers/minimal-ws-history-server.js',
    connector: durableClients,
  },
  'nest-stomp-redis-streams': {
    id: 'nest-stomp-redis-streams',
    description: "(g): the library on Redis Streams (`kind: 'redis', mode: 'streams'`)",
    script: 'servers/nest-stomp-durable-server.js',
    scriptArgs: ['redis-streams'],
    connector: durableClients,
  },
  'redis-streams-direct': {
    id: 'redis-streams-direct',
    description: '(g) baseline: ioredis in the generator, XADD by the publisher, XREAD BLOCK by each subscriber on its own connection',
    connector: durableClients,
  },
  'nest-stomp-jetstream': {
    id: 'nest-stomp-jetstream',
    description: "(g): the library on NATS JetStream (`kind: 'jetstream'`)",
    script: 'servers/nest-stomp-durable-server.js',
    scriptArgs: ['jetstream'],
    connector: durableClients,
  },
  'jetstream-direct': {
    id: 'jetstream-direct',
    description: '(g) baseline: @nats-io/jetstream in the generator, JetStream publish by the publisher, an ordered consumer per subscriber on its own connection',
    connector: durableClients,
  },
  'nest-stomp-kafka': {
    id: 'nest-stomp-kafka',
    description: "(g): the library on Apache Kafka (`kind: 'kafka'`)",
    script: 'servers/nest-stomp-durable-server.js',
    scriptArgs: ['kafka'],
    connector: durableClients,
  },
  'kafka-direct': {
    id: 'kafka-direct',
    description: '(g) baseline: @platformatic/kafka in the generator, a Producer (acks all) and a Consumer per subscriber from the end of the topic',
    connector: durableClients,
  },
};

export const SERVER_IDS = Object.keys(SERVER_KINDS) as ServerId[];
