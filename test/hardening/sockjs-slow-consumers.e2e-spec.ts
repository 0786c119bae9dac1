import { jest } from '@jest/globals';
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { Logger, Module } from '@nestjs/common';
import { SimpMessagingTemplate, StompModule, StompSessionRegistry } from 'nest-stomp';
import { startApp, type RunningApp } from '../support/apps.js';
import { disconnectOf } from '../support/events.js';
import { eventually } from '../support/eventually.js';
import { SockJsWebSocket } from '../support/sockjs-websocket.js';
import { within } from '../support/timers.js';
import { unique } from '../support/unique.js';
import { netSocketOf } from '../support/websockets.js';

jest.setTimeout(30_000);

const KIB = 1024;
const BUFFER_LIMIT = 256 * KIB;
const CHUNK = Buffer.alloc(60 * KIB, 7);
/** Without a bound, a stopped SockJS reader took every one of these (RSS grew linearly, 2 GB in 30 s). */
const MAX_MESSAGES = 2000;

@Module({
  imports: [
    StompModule.forRoot({
      endpoint: { path: '/ws', sockJs: true },
      maxFrameSize: 128 * KIB,
      sendBufferSizeLimit: BUFFER_LIMIT,
      sendTimeLimit: 30_000,
    }),
  ],
})
class SockJsSlowConsumerModule {}

/** STOMP frames of one SockJS session, spoken over its xhr-polling transport. */
class XhrPollingSession {
  private constructor(private readonly url: string) {}

  static async open(httpUrl: string): Promise<XhrPollingSession> {
    const session = new XhrPollingSession(`${httpUrl}/ws/000/${unique('xhr')}`);
    expect(await session.poll()).toBe('o\n');
    return session;
  }

  async send(frame: string): Promise<void> {
    const response = await fetch(`${this.url}/xhr_send`, { method: 'POST', body: JSON.stringify([frame]), headers: { 'Content-Type': 'text/plain' } });
    expect(response.status).toBe(204);
  }

  /** One poll: what the server held for the session. */
  async poll(): Promise<string> {
    return (await fetch(`${this.url}/xhr`, { method: 'POST' })).text();
  }
}

describe('hardening: send limits on SockJS transports (sendBufferSizeLimit 256 KiB)', () => {
  let server: RunningApp;
  let warn: jest.SpiedFunction<Logger['warn']>;
  /** The server's side of every connection, to see which it drops. */
  const openSockets = new Set<Socket>();

  beforeAll(async () => {
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    server = await startApp(SockJsSlowConsumerModule);
    (server.app.getHttpServer() as Server).on('connection', (socket: Socket) => openSockets.add(socket));
  });

  afterAll(async () => {
    await server.close();
    warn.mockRestore();
  });

  /** Sends from the server until `sessionId` ends; what its session held unsent at most, and how many went. */
  async function floodUntilClosed(destination: string, sessionId: string): Promise<{ reason: string; sent: number; maxBuffered: number }> {
    const session = server.app.get(StompSessionRegistry).get(sessionId)!;
    const template = server.app.get(SimpMessagingTemplate);
    const gone = disconnectOf(server.app, sessionId);
    let closed = false;
    void gone.then(() => (closed = true));
    let sent = 0;
    let maxBuffered = 0;
    while (!closed && sent < MAX_MESSAGES) {
      await template.convertAndSend(destination, CHUNK);
      sent++;
      maxBuffered = Math.max(maxBuffered, session.bufferedAmount);
    }
    const { reason } = await within(gone, 1000, `the session ${sessionId} to end`);
    return { reason, sent, maxBuffered };
  }

  it('cuts off a consumer on the SockJS WebSocket transport that stopped reading, and destroys its stuck socket', async () => {
    const destination = `/topic/${unique('sockjs-ws')}`;
    const consumer = await SockJsWebSocket.open(server.wsUrl, '/ws');
    consumer.send('CONNECT\naccept-version:1.2\n\n\0');
    await consumer.until(() => consumer.messages.some((m) => m.startsWith('CONNECTED')), 'CONNECTED');
    const sessionId = /\nsession:([^\n]+)/.exec(consumer.messages[0]!)![1]!;
    consumer.send(`SUBSCRIBE\nid:0\ndestination:${destination}\nreceipt:r\n\n\0`);
    await consumer.until(() => consumer.messages.some((m) => m.startsWith('RECEIPT')), 'the RECEIPT');

    const serverSocket = [...openSockets].find((socket) => socket.remotePort === netSocketOf(consumer.socket).localPort)!;
    netSocketOf(consumer.socket).pause();
    const { reason, sent, maxBuffered } = await floodUntilClosed(destination, sessionId);

    expect(reason).toBe('slow-consumer');
    // The kernel's socket buffers take a few MB before the server holds any: far under the flood.
    expect(sent).toBeLessThan(MAX_MESSAGES / 4);
    // What the server held for it stayed within the limit plus the message that crossed it (JSON-escaped).
    expect(maxBuffered).toBeLessThanOrEqual(BUFFER_LIMIT + 2 * CHUNK.length);
    expect(warn.mock.calls.map(([message]) => String(message))).toContainEqual(
      expect.stringMatching(new RegExp(`^Session ${sessionId} closed: the client reads too slowly: \\d+ bytes wait unsent, over the limit of 262144 \\(option sendBufferSizeLimit\\)$`)),
    );
    // Still not reading: the server does not wait on it for ever (close-handshake timeout, 5 s).
    await eventually(() => serverSocket.destroyed, 'the server to drop the stuck socket', 10_000);
    netSocketOf(consumer.socket).resume();
    await consumer.until(() => consumer.closed, 'the client to see its socket closed');
  });

  it('cuts off an xhr-polling session that stopped polling, holding no more than its limit for it', async () => {
    const destination = `/topic/${unique('sockjs-xhr')}`;
    const consumer = await XhrPollingSession.open(server.httpUrl);
    await consumer.send('CONNECT\naccept-version:1.2\n\n\0');
    const connected = await consumer.poll();
    const sessionId = /\\nsession:([^\\]+)/.exec(connected)![1]!;
    await consumer.send(`SUBSCRIBE\nid:0\ndestination:${destination}\nreceipt:r\n\n\0`);
    expect(await consumer.poll()).toContain('RECEIPT');

    const { reason, sent, maxBuffered } = await floodUntilClosed(destination, sessionId);

    expect(reason).toBe('slow-consumer');
    expect(sent).toBeLessThanOrEqual(Math.ceil(BUFFER_LIMIT / CHUNK.length) + 1);
    expect(maxBuffered).toBeLessThanOrEqual(BUFFER_LIMIT + CHUNK.length);
  });
});
