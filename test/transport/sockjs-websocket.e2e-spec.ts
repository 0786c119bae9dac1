import { createRequire } from 'node:module';
import { Module } from '@nestjs/common';
import { Client, type IFrame, type IMessage } from '@stomp/stompjs';
import SockJS from 'sockjs-client';
import { WebSocket as WsClient } from 'ws';
import { StompAdmin, StompModule } from 'nest-stomp';
import { useApp } from '../support/apps.js';
import { disconnectOf } from '../support/events.js';
import { stompFrameOf } from '../support/frame-reading.js';
import { SockJsWebSocket } from '../support/sockjs-websocket.js';
import { deactivateAll, publishConfirmed, subscribeConfirmed } from '../support/stomp-clients.js';
import { within } from '../support/timers.js';
import { unique } from '../support/unique.js';
import { Wakeups } from '../support/wakeups.js';

/** The `sockjs` package's own quoting: what SockJS clients got from the server before. */
const sockJsUtils = createRequire(import.meta.url)('sockjs/lib/utils.js') as { quote(text: string): string };

/** Short, so a test sees SockJS's `h` frame without waiting 25 s. */
const HEARTBEAT_DELAY = 300;

@Module({ imports: [StompModule.forRoot({ endpoint: { path: '/ws', sockJs: { heartbeatDelay: HEARTBEAT_DELAY } } })] })
class SockJsWebSocketModule {}

/** Everything sockjs escapes beyond plain JSON, and what JSON itself escapes. */
const AWKWARD_TEXT = 'say "hi" \\ back\\slash\u0001\u0007\t\r\n\u001f \u2028\u2029 \u200e\u2060\ufeff 😀 𝄞 é 中文';

/** A sockjs-client that may use only the WebSocket transport. */
function sockJsOverWebSocket(url: string): WebSocket {
  return new SockJS(url, undefined, { transports: ['websocket'] }) as unknown as WebSocket;
}

async function connectOverSockJsWebSocket(url: string): Promise<{ client: Client; connected: IFrame }> {
  const client = new Client({ webSocketFactory: () => sockJsOverWebSocket(url), reconnectDelay: 0, heartbeatIncoming: 0, heartbeatOutgoing: 0 });
  const connected = await new Promise<IFrame>((resolve, reject) => {
    client.onConnect = resolve;
    client.onStompError = (frame) => reject(new Error(`STOMP ERROR: ${frame.headers.message}`));
    client.onWebSocketClose = (event: CloseEvent) => reject(new Error(`SockJS closed before CONNECTED (${event.code} ${event.reason})`));
    client.activate();
  });
  client.onWebSocketClose = () => undefined;
  return { client, connected };
}

/** A bare sockjs-client session limited to the WebSocket transport: its messages and its close event. */
class SockJsClientSession {
  readonly messages: string[] = [];
  closeEvent: { code: number; reason: string } | undefined;
  private readonly wakeups = new Wakeups();

  private constructor(readonly socket: InstanceType<typeof SockJS>) {
    socket.onmessage = (event) => {
      this.messages.push(event.data as string);
      this.wakeups.wake();
    };
    socket.onclose = (event) => {
      this.closeEvent = { code: event.code, reason: event.reason };
      this.wakeups.wake();
    };
  }

  static open(url: string): Promise<SockJsClientSession> {
    const socket = new SockJS(url, undefined, { transports: ['websocket'] });
    return new Promise((resolve, reject) => {
      socket.onopen = () => resolve(new SockJsClientSession(socket));
      socket.onclose = (event) => reject(new Error(`SockJS closed before it opened (${event.code} ${event.reason})`));
    });
  }

  until(condition: () => boolean, what: string): Promise<void> {
    return this.wakeups.until(condition, 5000, () => new Error(`Timed out waiting for ${what}; messages so far: ${JSON.stringify(this.messages)}`));
  }
}

describe('transport: SockJS websocket transport (served on ws by the library)', () => {
  const server = useApp(SockJsWebSocketModule);
  const sockJsUrl = () => `${server.httpUrl}/ws`;

  it('carries a STOMP round trip for sockjs-client on its websocket transport', async () => {
    const { client, connected } = await connectOverSockJsWebSocket(sockJsUrl());
    try {
      expect(connected.command).toBe('CONNECTED');
      const destination = `/topic/${unique('sockjs-ws')}`;
      const inbox = await subscribeConfirmed(client, destination);
      await publishConfirmed(client, destination, '{"hello":"sockjs"}', { 'content-type': 'application/json' });
      const [message] = await inbox.waitFor(1);
      expect(message!.body).toBe('{"hello":"sockjs"}');
      expect(server.app.get(StompAdmin).sessions()).toContainEqual(expect.objectContaining({ id: connected.headers.session, transport: 'sockjs' }));
    } finally {
      await deactivateAll(client);
    }
  });

  it('escapes a message as sockjs did (quotes, backslash, controls, U+2028, beyond the BMP), to every subscriber alike', async () => {
    const destination = `/topic/${unique('sockjs-escapes')}`;
    // Two stomp.js subscribers (both call their subscription sub-0: they share the server's MESSAGE bytes) and one on the wire.
    const subscribers = [await connectOverSockJsWebSocket(sockJsUrl()), await connectOverSockJsWebSocket(sockJsUrl())];
    const wire = await SockJsWebSocket.open(server.wsUrl, '/ws');
    try {
      const inboxes = await Promise.all(subscribers.map(({ client }) => subscribeConfirmed(client, destination)));
      wire.send('CONNECT\naccept-version:1.2\nheart-beat:0,0\n\n\0');
      wire.send(`SUBSCRIBE\nid:sub-0\ndestination:${destination}\nreceipt:r\n\n\0`);
      await wire.until(() => wire.messages.some((m) => m.startsWith('RECEIPT')), 'the RECEIPT');

      await publishConfirmed(subscribers[0]!.client, destination, AWKWARD_TEXT, { 'content-type': 'text/plain' });

      for (const inbox of inboxes) expect((await inbox.waitFor(1)).map((m: IMessage) => m.body)).toEqual([AWKWARD_TEXT]);
      await wire.until(() => wire.messages.some((m) => m.startsWith('MESSAGE')), 'the MESSAGE');
      const message = wire.messages.find((m) => m.startsWith('MESSAGE'))!;
      expect(stompFrameOf(message).body.toString('utf8')).toBe(AWKWARD_TEXT);
      // Byte for byte the frame sockjs would have written: `a[` + utils.quote(message) + `]`.
      const frame = wire.frames.find((f) => f.startsWith('a["MESSAGE'))!;
      expect(frame).toBe(`a[${sockJsUtils.quote(message)}]`);
      expect(frame).toContain('\\u2028');
      expect(frame).toContain('\\ud83d\\ude00');
    } finally {
      wire.socket.terminate();
      await deactivateAll(...subscribers.map(({ client }) => client));
    }
  });

  it('opens with o and sends h every heartbeatDelay', async () => {
    const wire = await SockJsWebSocket.open(server.wsUrl, '/ws');
    try {
      await wire.until(() => wire.frames.filter((f) => f === 'h').length >= 2, 'two heart-beats');
      expect(wire.frames[0]).toBe('o');
    } finally {
      wire.socket.terminate();
    }
  });

  it('closes a session whose client sends what is not JSON strings as sockjs does: WebSocket close 3000 "Broken framing.", no c frame', async () => {
    const wire = await SockJsWebSocket.open(server.wsUrl, '/ws');
    wire.send('CONNECT\naccept-version:1.2\nheart-beat:0,0\n\n\0');
    await wire.until(() => wire.messages.some((m) => m.startsWith('CONNECTED')), 'CONNECTED');
    const gone = disconnectOf(server.app, stompFrameOf(wire.messages[0]!).headers.session!);

    wire.sendRaw('["SEND\\ndestination:/topic/x\\n\\n');
    await wire.until(() => wire.closed, 'the server to close the WebSocket');

    expect(wire.webSocketClose).toEqual({ code: 3000, reason: 'Broken framing.' });
    expect(wire.sockJsClose).toBeUndefined();
    expect((await within(gone, 5000, 'the session to end')).reason).toBe('transport');

    for (const payload of ['not json', '[1]', '{"frame":"CONNECT"}']) {
      const other = await SockJsWebSocket.open(server.wsUrl, '/ws');
      other.sendRaw(payload);
      await other.until(() => other.closed, `the server to close on ${payload}`);
      expect(other.webSocketClose).toEqual({ code: 3000, reason: 'Broken framing.' });
    }
  });

  it('ends a session from the server with c[code,"reason"], which sockjs-client reports as its close event', async () => {
    const session = await SockJsClientSession.open(sockJsUrl());
    session.socket.send('CONNECT\naccept-version:1.2\nheart-beat:0,0\n\n\0');
    await session.until(() => session.messages.length > 0, 'CONNECTED');
    const sessionId = stompFrameOf(session.messages[0]!).headers.session!;

    await server.app.get(StompAdmin).disconnect(sessionId, 'Maintenance');
    await session.until(() => session.closeEvent !== undefined, 'the close event');

    expect(stompFrameOf(session.messages.at(-1)!)).toMatchObject({ command: 'ERROR', headers: { message: 'Maintenance' } });
    expect(session.closeEvent!.code).toBe(1008);

    // On the wire: the close frame, then a normal WebSocket close, as sockjs wrote them.
    const wire = await SockJsWebSocket.open(server.wsUrl, '/ws');
    wire.send('CONNECT\naccept-version:1.2\nheart-beat:0,0\n\n\0');
    await wire.until(() => wire.messages.length > 0, 'CONNECTED');
    await server.app.get(StompAdmin).disconnect(stompFrameOf(wire.messages[0]!).headers.session!, 'Maintenance');
    await wire.until(() => wire.closed, 'the WebSocket to close');
    expect(wire.frames.at(-1)).toBe(`c${JSON.stringify([1008, session.closeEvent!.reason])}`);
    expect(wire.webSocketClose).toEqual({ code: 1000, reason: 'Normal closure' });
  });
});

@Module({ imports: [StompModule.forRoot({ endpoint: { path: '/ws', sockJs: true }, maxFrameSize: 1024 })] })
class SmallFramesModule {}

describe('transport: SockJS websocket transport, maxFrameSize 1024', () => {
  const server = useApp(SmallFramesModule);

  it('takes a message up to maxSockJsRequestBody (8 x maxFrameSize) and closes with 1009 on a bigger one', async () => {
    const wire = await SockJsWebSocket.open(server.wsUrl, '/ws');
    try {
      wire.send('CONNECT\naccept-version:1.2\nheart-beat:0,0\n\n\0');
      await wire.until(() => wire.messages.some((m) => m.startsWith('CONNECTED')), 'CONNECTED');
      // JSON-escaped, a frame of control bytes grows six-fold: over 4 x maxFrameSize (raw WebSocket's limit), within SockJS's.
      const send = `SEND\ndestination:/topic/${unique('big')}\nreceipt:big\n\n${'\u0001'.repeat(900)}\0`;
      expect(JSON.stringify([send]).length).toBeGreaterThan(4 * 1024);
      wire.send(send);
      await wire.until(() => wire.messages.some((m) => m.startsWith('RECEIPT')), 'the RECEIPT');

      wire.sendRaw(JSON.stringify(['x'.repeat(8 * 1024)]));
      await wire.until(() => wire.closed, 'the WebSocket to close');
      expect(wire.webSocketClose?.code).toBe(1009);
    } finally {
      wire.socket.terminate();
    }
  });
});

@Module({ imports: [StompModule.forRoot({ endpoint: { path: '/ws', sockJs: true }, pingInterval: 500 })] })
class KeepAliveModule {}

describe('transport: SockJS websocket transport, pingInterval 500 ms', () => {
  const server = useApp(KeepAliveModule);

  it('cuts off a SockJS websocket peer that answers no ping, as a raw WebSocket one', async () => {
    const socket = new WsClient(`${server.wsUrl}/ws/000/${unique('silent')}/websocket`, { autoPong: false });
    const connected = new Promise<string>((resolve) =>
      socket.on('message', (data: Buffer) => {
        const frame = data.toString('utf8');
        if (frame === 'o') socket.send(JSON.stringify(['CONNECT\naccept-version:1.2\nheart-beat:0,0\n\n\0']));
        if (frame.startsWith('a["CONNECTED')) resolve(stompFrameOf((JSON.parse(frame.slice(1)) as string[])[0]!).headers.session!);
      }),
    );
    const closed = new Promise<number>((resolve) => socket.once('close', (code: number) => resolve(code)));
    const gone = disconnectOf(server.app, await within(connected, 5000, 'CONNECTED'));

    expect((await within(gone, 5000, 'the silent peer to be cut off')).reason).toBe('transport');
    expect(await closed).toBe(1006);
  });
});
