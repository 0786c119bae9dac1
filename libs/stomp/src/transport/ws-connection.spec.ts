import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { MAX_HELD_BYTES_PER_TURN } from './turn-write-batch.js';
import { WsConnection } from './ws-connection.js';

interface Pair {
  readonly server: WsConnection;
  readonly client: WebSocket;
  /** The `_writev`/`_write` calls the server's TCP socket made (each is one system call). */
  readonly socketWrites: () => number;
  readonly received: string[];
  readonly close: () => Promise<void>;
}

async function connectedPair(): Promise<Pair> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
  await new Promise<void>((resolve) => wss.once('listening', resolve));
  const accepted = new Promise<{ ws: WebSocket; request: IncomingMessage }>((resolve) => wss.once('connection', (ws, request) => resolve({ ws, request })));
  const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
  const received: string[] = [];
  client.on('message', (data) => received.push(data.toString()));
  const { ws, request } = await accepted;
  await new Promise<void>((resolve) => (client.readyState === WebSocket.OPEN ? resolve() : client.once('open', () => resolve())));
  const socket = request.socket as unknown as { _writev: (...args: unknown[]) => void; _write: (...args: unknown[]) => void };
  let writes = 0;
  for (const method of ['_writev', '_write'] as const) {
    const original = socket[method].bind(socket);
    socket[method] = (...args: unknown[]) => {
      writes++;
      original(...args);
    };
  }
  return {
    server: new WsConnection(ws, request, '127.0.0.1'),
    client,
    socketWrites: () => writes,
    received,
    close: async () => {
      client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

const untilReceived = async (pair: Pair, count: number): Promise<void> => {
  while (pair.received.length < count) await new Promise((resolve) => pair.client.once('message', resolve));
};

describe('WsConnection', () => {
  let pair: Pair;
  beforeEach(async () => {
    pair = await connectedPair();
  });
  afterEach(() => pair.close());

  it("writes a turn's messages to a socket in one system call, in order", async () => {
    for (let i = 0; i < 5; i++) pair.server.send(Buffer.from(`frame ${i}`), false);
    // Held until the turn ends: nothing is late meanwhile.
    expect(pair.server.bufferedAmount).toBe(0);
    expect(pair.socketWrites()).toBe(0);
    await untilReceived(pair, 5);
    expect(pair.received).toEqual(['frame 0', 'frame 1', 'frame 2', 'frame 3', 'frame 4']);
    expect(pair.socketWrites()).toBe(1);
  });

  it('lets a burst go once it holds more than the per-turn bound', async () => {
    const big = Buffer.alloc(MAX_HELD_BYTES_PER_TURN / 2 + 1, 'x');
    pair.server.send(big, false);
    pair.server.send(big, false);
    expect(pair.socketWrites()).toBe(1);
    pair.server.send(Buffer.from('after'), false);
    await untilReceived(pair, 3);
    expect(pair.received[2]).toBe('after');
    expect(pair.socketWrites()).toBe(2);
  });

  it('sends what was written before a close', async () => {
    const closed = new Promise<number>((resolve) => pair.client.once('close', (code) => resolve(code)));
    pair.server.send(Buffer.from('ERROR\n\nbye\0'), false);
    pair.server.close(1002, 'protocol error');
    expect(await closed).toBe(1002);
    expect(pair.received).toEqual(['ERROR\n\nbye\0']);
  });

  it('sends what was written before the socket is terminated', async () => {
    const closed = new Promise<number>((resolve) => pair.client.once('close', (code) => resolve(code)));
    pair.server.send(Buffer.from('ERROR\n\ntoo slow\0'), false);
    pair.server.terminate();
    expect(await closed).toBe(1006);
    expect(pair.received).toEqual(['ERROR\n\ntoo slow\0']);
  });
});
