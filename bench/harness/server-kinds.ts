import { SocketIoBenchClient } from '../load/socketio-client.js';
import { StompBenchClient } from '../load/stomp-client.js';
import type { ConnectClient } from '../load/bench-client.js';

export type ServerId = 'nest-stomp' | 'minimal-ws' | 'socket.io';

export interface ServerKind {
  readonly id: ServerId;
  readonly description: string;
  /** The compiled server script, relative to bench/dist. */
  readonly script: string;
  /** The client that speaks this server's protocol, for a server on `port`. */
  connector(port: number): ConnectClient;
}

const stomp = (port: number): ConnectClient => () => StompBenchClient.connect(`ws://127.0.0.1:${port}/ws`);

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
};

export const SERVER_IDS = Object.keys(SERVER_KINDS) as ServerId[];
