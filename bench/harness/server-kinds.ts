import type { BenchConfig } from '../config.js';
import { SockJsBenchClient } from '../load/sockjs-client.js';
import { SocketIoBenchClient } from '../load/socketio-client.js';
import { StompBenchClient } from '../load/stomp-client.js';
import type { ConnectClient } from '../load/bench-client.js';

export type ServerId = 'nest-stomp' | 'minimal-ws' | 'socket.io' | 'nest-stomp-relay' | 'rabbitmq-web-stomp' | 'simple-broker' | 'nest-stomp-metrics'
  | 'sockjs-app-raw-ws' | 'sockjs-app-sockjs-websocket' | 'sockjs-app-xhr-streaming';

export interface ServerKind {
  readonly id: ServerId;
  readonly description: string;
  /**
   * The compiled server script, relative to bench/dist; absent for a server the bench does not
   * start (RabbitMQ: it runs on its own, and the generator connects to it directly).
   */
  readonly script?: string;
  /** The client that speaks this server's protocol, for a started server on `port`. */
  connector(port: number, config: BenchConfig): ConnectClient;
}

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
    description: "the library with the STOMP broker relay to RabbitMQ's STOMP plugin (one broker TCP connection per client session)",
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
};

export const SERVER_IDS = Object.keys(SERVER_KINDS) as ServerId[];
