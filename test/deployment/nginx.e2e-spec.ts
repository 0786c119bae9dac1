import { Client, type IMessage } from '@stomp/stompjs';
import SockJS from 'sockjs-client';
import { WebSocket } from 'ws';
import { firstValueFrom, filter } from 'rxjs';
import { SimpUserRegistry, StompSessionRegistry } from 'nest-stomp';
import { AppModule } from '../../apps/chat/src/app.module.js';
import { startApp, startChatInstance, type RunningApp } from '../support/apps.js';
import { NginxProcess, nginxInstalled } from '../support/nginx.js';
import { RawStompClient } from '../support/raw-stomp-client.js';
import type { Recorder } from '../support/recorder.js';
import { redisAvailable } from '../support/redis.js';
import { deactivateAll, publishConfirmed, subscribeConfirmed } from '../support/stomp-clients.js';
import { unique } from '../support/unique.js';
import { wsHandshake } from '../support/websockets.js';

const describeWithNginx = nginxInstalled() && (await redisAvailable()) ? describe : describe.skip;

/** Per instance: low enough that the limit test reaches it with a dozen handshakes. */
const PER_ADDRESS = 5;

/** Runs `start` with `env` set, then puts the environment back: the chat app reads it at start-up. */
async function withEnv<T>(env: Readonly<Record<string, string>>, start: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
  Object.assign(process.env, env);
  try {
    return await start();
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

let nextAddress = 0;
/** A client address of its own (TEST-NET-2), as another proxy in front of nginx would forward it. */
function forwardedAddress(): string {
  nextAddress++;
  return `198.51.100.${nextAddress}`;
}

describeWithNginx('deployment: nginx in front of two chat instances on Redis (TRUST_PROXY=loopback)', () => {
  let a: RunningApp | undefined;
  let b: RunningApp | undefined;
  let aClosed = false;
  let nginx: NginxProcess | undefined;
  const clients: Client[] = [];

  beforeAll(async () => {
    await withEnv({ STOMP_BROKER: 'redis', TRUST_PROXY: 'loopback', MAX_CONNECTIONS_PER_ADDRESS: String(PER_ADDRESS) }, async () => {
      a = await startChatInstance();
      b = await startChatInstance();
    });
    nginx = await NginxProcess.start([a!.port, b!.port]);
  });

  afterEach(async () => {
    await deactivateAll(...clients.splice(0));
  });

  afterAll(async () => {
    await nginx?.stop();
    if (!aClosed) await a?.close();
    await b?.close();
  });

  /** Which instance holds the session, by the `session` header of its CONNECTED. */
  function instanceOf(sessionId: string): 'a' | 'b' | undefined {
    if (!aClosed && a!.app.get(StompSessionRegistry).get(sessionId)) return 'a';
    if (b!.app.get(StompSessionRegistry).get(sessionId)) return 'b';
    return undefined;
  }

  /** A @stomp/stompjs client through nginx, over `socket`, and its server session id. */
  async function connectThrough(socket: () => WebSocket | WebSocketLike, login?: string): Promise<{ client: Client; sessionId: string }> {
    const client = new Client({
      webSocketFactory: socket as () => WebSocketLike,
      connectHeaders: login ? { login } : {},
      reconnectDelay: 0,
      heartbeatIncoming: 0,
      heartbeatOutgoing: 0,
    });
    clients.push(client);
    const sessionId = await new Promise<string>((resolve, reject) => {
      client.onConnect = (frame) => resolve(frame.headers.session!);
      client.onStompError = (frame) => reject(new Error(`STOMP ERROR: ${frame.headers.message}`));
      client.onWebSocketClose = (event: { code: number; reason: string }) => reject(new Error(`closed before CONNECTED: ${event.code} ${event.reason}`));
      client.activate();
    });
    return { client, sessionId };
  }

  /** Raw WebSocket through nginx, from a forwarded address of its own. */
  function overWebSocket(login?: string, address = forwardedAddress()) {
    return connectThrough(() => new WebSocket(`${nginx!.wsUrl}/portfolio`, ['v12.stomp'], { headers: { 'X-Forwarded-For': address } }), login);
  }

  let sockJsTransport = '';
  function overSockJs(transport: 'xhr-streaming' | 'xhr-polling') {
    return connectThrough(() => {
      const socket = new SockJS(`${nginx!.httpUrl}/portfolio`, undefined, { transports: [transport] });
      socket.addEventListener('open', () => (sockJsTransport = (socket as unknown as { transport: string }).transport));
      return socket as unknown as WebSocketLike;
    });
  }

  /** One raw WebSocket client on each instance (round-robin puts consecutive connections on both). */
  async function onePerInstance(): Promise<Record<'a' | 'b', Client>> {
    const first = await overWebSocket();
    const second = await overWebSocket();
    const where = [instanceOf(first.sessionId), instanceOf(second.sessionId)];
    expect(where.sort()).toEqual(['a', 'b']);
    return where[0] === instanceOf(first.sessionId) ? { a: first.client, b: second.client } : { a: second.client, b: first.client };
  }

  it('spreads raw WebSocket clients round-robin, each counted under its forwarded address, and messages cross instances', async () => {
    const address = forwardedAddress();
    const first = await overWebSocket(undefined, address);
    const second = await overWebSocket();
    expect([instanceOf(first.sessionId), instanceOf(second.sessionId)].sort()).toEqual(['a', 'b']);
    const holder = instanceOf(first.sessionId) === 'a' ? a! : b!;
    // nginx sent "198.51.100.x, 127.0.0.1" from 127.0.0.1: both loopback hops are trusted.
    expect(holder.app.get(StompSessionRegistry).get(first.sessionId)!.handshake.remoteAddress).toBe(address);
    expect(holder.app.get(StompSessionRegistry).countFrom(address)).toBe(1);

    const content = unique('raw');
    const inbox = await subscribeConfirmed(second.client, '/topic/messages');
    await publishConfirmed(first.client, '/app/chat.send', JSON.stringify({ sender: 'raw', content }));
    expect(await contentsOf(inbox, [content])).toEqual([content]);
  });

  it.each(['xhr-streaming', 'xhr-polling'] as const)('serves SockJS %s through nginx: the session stays on one instance and messages cross both ways', async (transport) => {
    const publishers = await onePerInstance();
    const sockJs = await overSockJs(transport);
    expect(sockJsTransport).toBe(transport);
    expect(instanceOf(sockJs.sessionId)).toBeDefined();

    // Every frame below is its own HTTP request (xhr_send) beside the receiving one: each must reach
    // the instance that holds the session, or sockjs answers 404.
    const inbox = await subscribeConfirmed(sockJs.client, '/topic/messages');
    const fromA = unique('from-a');
    const fromB = unique('from-b');
    await publishConfirmed(publishers.a, '/app/chat.send', JSON.stringify({ sender: 'a', content: fromA }));
    await publishConfirmed(publishers.b, '/app/chat.send', JSON.stringify({ sender: 'b', content: fromB }));
    expect((await contentsOf(inbox, [fromA, fromB])).sort()).toEqual([fromA, fromB].sort());

    const onA = await subscribeConfirmed(publishers.a, '/topic/messages');
    const onB = await subscribeConfirmed(publishers.b, '/topic/messages');
    const fromSockJs = unique(transport);
    await publishConfirmed(sockJs.client, '/app/chat.send', JSON.stringify({ sender: 'sockjs', content: fromSockJs }));
    expect(await contentsOf(onA, [fromSockJs])).toEqual([fromSockJs]);
    expect(await contentsOf(onB, [fromSockJs])).toEqual([fromSockJs]);
  });

  it('delivers a private message from a user on instance A to a user on instance B', async () => {
    const bob = unique('bob').slice(0, 24);
    const alice = unique('alice').slice(0, 24);
    const bobSession = await overWebSocket(bob);
    const inbox = await subscribeConfirmed(bobSession.client, '/user/queue/private');
    // Round-robin: the next connection lands on the other instance.
    const aliceSession = await overWebSocket(alice);
    const bobOn = instanceOf(bobSession.sessionId);
    expect(instanceOf(aliceSession.sessionId)).toBe(bobOn === 'a' ? 'b' : 'a');
    await knownOn(bobOn === 'a' ? b! : a!, bob);

    await publishConfirmed(aliceSession.client, '/app/chat.private', JSON.stringify({ to: bob, content: 'across nginx' }));
    const [message] = await inbox.waitFor(1);
    expect(JSON.parse(message!.body)).toEqual({ from: alice, to: bob, content: 'across nginx' });
  });

  it('counts the per-address limit under forwarded addresses, not under the proxy', async () => {
    const address = forwardedAddress();
    const attempts = [];
    for (let i = 0; i < 2 * PER_ADDRESS + 2; i++) attempts.push(await wsHandshake(`${nginx!.wsUrl}/portfolio`, { headers: { 'X-Forwarded-For': address } }));
    const other = await wsHandshake(`${nginx!.wsUrl}/portfolio`, { headers: { 'X-Forwarded-For': forwardedAddress() } });
    try {
      // Round-robin: PER_ADDRESS on each instance, then one refusal on each.
      expect(attempts.filter(({ status }) => status === 101)).toHaveLength(2 * PER_ADDRESS);
      expect(attempts.filter(({ status }) => status !== 101)).toEqual([
        { status: 429, body: `Too many connections from ${address}: at most ${PER_ADDRESS} (option maxConnectionsPerAddress)` },
        { status: 429, body: `Too many connections from ${address}: at most ${PER_ADDRESS} (option maxConnectionsPerAddress)` },
      ]);
      expect(other.status).toBe(101);
    } finally {
      for (const { socket } of [...attempts, other]) socket?.terminate();
    }
  });

  // Last: instance A is gone after it.
  it('rolling restart: closing instance A tells its clients (ERROR, close 1001) and they carry on on B', async () => {
    const raws: RawStompClient[] = [];
    try {
      const sessions: string[] = [];
      for (let i = 0; i < 4; i++) {
        const raw = await RawStompClient.open(`${nginx!.wsUrl}/portfolio`, ['v12.stomp'], { 'X-Forwarded-For': forwardedAddress() });
        raws.push(raw);
        raw.send('CONNECT', { 'accept-version': '1.2', host: 'localhost', 'heart-beat': '0,0' });
        sessions.push((await raw.nextFrame('CONNECTED')).headers.session!);
      }
      const onA = raws.filter((_, i) => instanceOf(sessions[i]!) === 'a');
      expect(onA).toHaveLength(2);

      aClosed = true;
      await a!.close();
      for (const client of onA) {
        expect((await client.nextFrame('ERROR')).headers.message).toBe('Server is shutting down');
        expect((await client.waitClosed()).code).toBe(1001);
      }

      // They reconnect through nginx, which now finds only B.
      const back = await Promise.all(onA.map(() => overWebSocket()));
      for (const { sessionId } of back) expect(instanceOf(sessionId)).toBe('b');
      const content = unique('after-restart');
      const inbox = await subscribeConfirmed(back[0]!.client, '/topic/messages');
      await publishConfirmed(back[1]!.client, '/app/chat.send', JSON.stringify({ sender: 'back', content }));
      expect(await contentsOf(inbox, [content])).toEqual([content]);
    } finally {
      for (const raw of raws) raw.terminate();
    }
  });
});

describeWithNginx('deployment: TRUST_PROXY=loopback and the default per-address limit (1000)', () => {
  let chat: RunningApp | undefined;

  beforeAll(async () => {
    chat = await withEnv({ STOMP_BROKER: 'simple', TRUST_PROXY: 'loopback' }, () => startApp(AppModule));
  });

  afterAll(async () => {
    await chat?.close();
  });

  it('takes 1100 clients with distinct forwarded addresses from one proxy address', async () => {
    const sockets: WebSocket[] = [];
    try {
      for (let batch = 0; batch < 11; batch++) {
        const handshakes = await Promise.all(
          Array.from({ length: 100 }, (_, i) => wsHandshake(`${chat!.wsUrl}/portfolio`, { headers: { 'X-Forwarded-For': `10.0.${batch}.${i + 1}` } })),
        );
        for (const { socket } of handshakes) if (socket) sockets.push(socket);
        expect(handshakes.filter(({ status }) => status !== 101)).toEqual([]);
      }
      const registry = chat!.app.get(StompSessionRegistry);
      expect(registry.size).toBe(1100);
      expect(registry.countFrom('127.0.0.1')).toBe(0);
      expect(registry.countFrom('10.0.10.100')).toBe(1);
    } finally {
      for (const socket of sockets) socket.terminate();
    }
  });
});

/** What sockjs-client and ws have in common for @stomp/stompjs. */
type WebSocketLike = ReturnType<NonNullable<Client['webSocketFactory']>>;

/** The chat contents `inbox` got among `expected` (other runs on the shared Redis may chat too), once all arrived. */
async function contentsOf(inbox: Recorder<IMessage>, expected: readonly string[]): Promise<string[]> {
  const contentOf = (message: IMessage) => (JSON.parse(message.body) as { content?: string }).content ?? '';
  const messages = await inbox.count((message) => expected.includes(contentOf(message)), expected.length, `messages ${expected.join(', ')}`);
  return messages.map(contentOf);
}

/** Resolves once the instance's user registry lists `name` (connected to the other instance). */
async function knownOn(app: RunningApp, name: string): Promise<void> {
  const registry = app.app.get(SimpUserRegistry);
  if (registry.getUser(name)) return;
  await firstValueFrom(registry.changes$.pipe(filter(() => registry.getUser(name) !== undefined)));
}
