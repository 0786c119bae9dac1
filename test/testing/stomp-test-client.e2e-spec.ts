import { Controller, Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { MessageMapping, Payload, SendTo, STOMP_BROKER, StompModule, type SimpleBroker } from 'nest-stomp';
import {
  createStompTestClient,
  StompConnectionClosedError,
  StompExpectationError,
  StompServerError,
  type StompTestClient,
} from 'nest-stomp/testing';

@Controller()
class EchoController {
  @MessageMapping('/echo')
  @SendTo('/topic/echo')
  echo(@Payload() payload: unknown): unknown {
    return payload;
  }

  @MessageMapping('/describe')
  @SendTo('/topic/described')
  describe(@Payload() payload: unknown): string {
    return Buffer.isBuffer(payload) ? `bytes ${[...payload].join(',')}` : `${typeof payload} ${JSON.stringify(payload)}`;
  }

  @MessageMapping('/bytes')
  @SendTo('/topic/bytes')
  bytes(): Buffer {
    return Buffer.from([0, 1, 254, 255]);
  }
}

const authenticate = ({ login, passcode }: { login?: string; passcode?: string }) => {
  if (login === undefined) return undefined;
  if (passcode !== 'secret') throw new Error('wrong passcode');
  return { name: login };
};

@Module({
  imports: [StompModule.forRoot({ endpoint: [{ path: '/ws' }, { path: '/sockjs', sockJs: true }], authenticate, unmappedDestinations: 'error' })],
  controllers: [EchoController],
})
class KitTestModule {}

@Module({ imports: [StompModule.forRoot({ endpoint: '/only' })], controllers: [EchoController] })
class OneEndpointModule {}

/** A subscription count the embedded broker keeps, to see UNSUBSCRIBE take effect server-side. */
const brokerSubscriptions = (app: INestApplication) => app.get<SimpleBroker>(STOMP_BROKER).subscriptionCount;

describe('nest-stomp/testing: the test client', () => {
  let app: INestApplication;
  const clients: StompTestClient[] = [];
  /** A client of the kit's module, disconnected after the test. */
  const client = (options?: Parameters<typeof createStompTestClient>[1]) => {
    const created = createStompTestClient(app, { path: '/ws', timeout: 10_000, ...options });
    clients.push(created);
    return created;
  };

  beforeAll(async () => {
    app = await NestFactory.create(KitTestModule, { logger: false });
    await app.listen(0, '127.0.0.1');
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.disconnect()));
  });

  afterAll(async () => {
    await app.close();
  });

  describe('connect', () => {
    it('makes an application that does not listen yet listen on a free port, and uses its only endpoint', async () => {
      const moduleRef = await Test.createTestingModule({ imports: [OneEndpointModule] }).compile();
      const unstarted = moduleRef.createNestApplication({ logger: false });
      const own = createStompTestClient(unstarted);
      try {
        await own.connect();
        const address = unstarted.getHttpServer().address() as { port: number };
        expect(address.port).toBeGreaterThan(0);
        expect(own.connection.version).toBe('1.2');
        expect(own.connection.session).toEqual(expect.any(String));
      } finally {
        await own.disconnect();
        await unstarted.close();
      }
    });

    it('carries login and passcode: CONNECTED names the user', async () => {
      const ada = await client().connect({ login: 'ada', passcode: 'secret' });
      expect(ada.connection.userName).toBe('ada');
      expect(ada.connection.headers['user-name']).toBe('ada');
    });

    it('rejects with the ERROR a refused CONNECT gets, and closes', async () => {
      const refused = client();
      const error = await refused.connect({ login: 'ada', passcode: 'guess' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StompServerError);
      expect((error as StompServerError).serverMessage).toBe('CONNECT refused: wrong passcode');
      expect((error as StompServerError).frame.command).toBe('ERROR');
      expect((await refused.waitForClose()).error).toBe(error);
    });

    it('asks for a path when the application has several endpoints, and names a missing one', async () => {
      await expect(createStompTestClient(app).connect()).rejects.toThrow(
        "The application has several STOMP endpoints (/ws, /sockjs): choose one with the test client's 'path' option",
      );
      await expect(createStompTestClient(app, { path: '/nope' }).connect()).rejects.toThrow(
        "The application has no STOMP endpoint at '/nope'; its endpoints are /ws, /sockjs",
      );
      await expect(createStompTestClient(app, { path: '/ws', transport: 'sockjs' }).connect()).rejects.toThrow("The STOMP endpoint '/ws' does not serve SockJS");
    });

    it('takes a URL instead of an application', async () => {
      const { port } = app.getHttpServer().address() as { port: number };
      const byUrl = createStompTestClient(`ws://127.0.0.1:${port}/ws`);
      clients.push(byUrl);
      await byUrl.connect();
      expect(byUrl.connection.version).toBe('1.2');
    });

    it('sends handshakeHeaders with the WebSocket handshake (a foreign Origin is refused), not over SockJS', async () => {
      const foreign = await createStompTestClient(app, { path: '/ws', handshakeHeaders: { origin: 'http://elsewhere.example' } })
        .connect()
        .catch((e: unknown) => e);
      expect(foreign).toBeInstanceOf(StompConnectionClosedError);
      expect((foreign as Error).message).toContain('the server answered the WebSocket handshake with HTTP 403');
      await expect(createStompTestClient(app, { path: '/sockjs', transport: 'sockjs', handshakeHeaders: { origin: 'x' } }).connect()).rejects.toThrow(
        "The test client's 'handshakeHeaders' apply to the WebSocket transport only",
      );
    });

    it('connects once: a second connect() is refused', async () => {
      const once = client();
      await once.connect();
      await expect(once.connect()).rejects.toThrow('connect() was already called on this test client: create another client for another session');
    });

    it('reports an endpoint it cannot open as a StompConnectionClosedError', async () => {
      const { port } = app.getHttpServer().address() as { port: number };
      const error = await createStompTestClient(`ws://127.0.0.1:${port}/nowhere`).connect().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StompConnectionClosedError);
      expect((error as Error).message).toBe(`Could not connect to ws://127.0.0.1:${port}/nowhere: the server answered the WebSocket handshake with HTTP 404`);
    });
  });

  describe('send and subscribe', () => {
    it('sends an object as JSON and resolves on the RECEIPT, after the reply was published', async () => {
      const c = await client().connect();
      const echoes = await c.subscribe('/topic/echo');
      await c.send('/app/echo', { text: 'hello' });
      // The reply left before the RECEIPT on the same connection: already here, no wait needed.
      expect(echoes.pending.map((m) => m.json())).toEqual([{ text: 'hello' }]);
      const message = await echoes.next();
      expect(message.json<{ text: string }>().text).toBe('hello');
      expect(message.destination).toBe('/topic/echo');
      expect(message.headers['content-type']).toBe('application/json;charset=UTF-8');
      expect(echoes.pending).toEqual([]);
    });

    it('sends a string as text, a Buffer as bytes, and headers override the content type', async () => {
      const c = await client().connect();
      const described = await c.subscribe('/topic/described');
      await c.send('/app/describe', 'plain words');
      await c.send('/app/describe', Buffer.from([7, 0, 9]));
      await c.send('/app/describe', '42', { 'content-type': undefined });
      expect((await described.next()).text).toBe('string "plain words"');
      expect((await described.next()).text).toBe('bytes 7,0,9');
      expect((await described.next()).text).toBe('number 42');
    });

    it('reads a binary reply as bytes, and says it came in a binary WebSocket message', async () => {
      const c = await client().connect();
      const bytes = await c.subscribe('/topic/bytes');
      await c.send('/app/bytes');
      const message = await bytes.next();
      expect([...message.body]).toEqual([0, 1, 254, 255]);
      expect(message.binary).toBe(true);
    });

    it('expectMessage takes the first match and leaves the others for next()', async () => {
      const c = await client().connect();
      const echoes = await c.subscribe('/topic/echo');
      for (const n of [1, 2, 3]) await c.send('/app/echo', { n });
      expect((await echoes.expectMessage((m) => m.json<{ n: number }>().n === 2)).json()).toEqual({ n: 2 });
      expect((await echoes.next()).json()).toEqual({ n: 1 });
      expect((await echoes.next()).json()).toEqual({ n: 3 });
      expect(echoes.messages).toHaveLength(3);
    });

    it('waits for a message still to come', async () => {
      const receiver = await client().connect();
      const sender = await client().connect();
      const echoes = await receiver.subscribe('/topic/echo');
      const expected = echoes.expectMessage((m) => m.text.includes('later'));
      await sender.send('/app/echo', { later: true });
      expect((await expected).json()).toEqual({ later: true });
    });

    it('unsubscribes on the server, and resolves on the RECEIPT', async () => {
      const c = await client().connect();
      const before = brokerSubscriptions(app);
      const echoes = await c.subscribe('/topic/echo');
      expect(brokerSubscriptions(app)).toBe(before + 1);
      await echoes.unsubscribe();
      expect(brokerSubscriptions(app)).toBe(before);
    });
  });

  describe('failures a test reads', () => {
    it('says what arrived instead when no message matches in time: destination, headers, body', async () => {
      const c = await client().connect();
      const echoes = await c.subscribe('/topic/echo');
      await c.send('/app/echo', { text: 'not this one' });
      const error = await echoes.expectMessage((m) => m.json<{ text: string }>().text === 'that one', 200).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StompExpectationError);
      const text = (error as Error).message;
      // The predicate's source, as the compiler left it.
      expect(text).toMatch(/^No message on \/topic\/echo matched \(m\) ?=> ?m\.json\(\)\.text === 'that one' within 200 ms: 1 message arrived instead:\n/);
      expect(text).toMatch(/\n {2}1\. MESSAGE \/topic\/echo \{subscription:sub-\d+, .*content-type:application\/json.*\} body "\{\\"text\\":\\"not this one\\"\}"$/);
    });

    it("says 'nothing arrived' when nothing did, and quotes what a predicate threw", async () => {
      const c = await client().connect();
      const quiet = await c.subscribe('/topic/quiet');
      await expect(quiet.next(100)).rejects.toThrow('No message arrived on /topic/quiet (subscription sub-1) within 100 ms');
      await expect(quiet.expectMessage(() => true, 100)).rejects.toThrow(/within 100 ms: nothing arrived$/);
      const described = await c.subscribe('/topic/described');
      await c.send('/app/describe', 'text');
      await expect(described.expectMessage((m) => m.json() === 1, 100)).rejects.toThrow(/The predicate threw: StompExpectationError: The MESSAGE to \/topic\/described is not JSON: body "string \\"text\\""/);
    });

    it('expectNothing passes when nothing came, and lists what came when something did', async () => {
      const c = await client().connect();
      const echoes = await c.subscribe('/topic/echo');
      await echoes.expectNothing();
      await c.send('/app/echo', 'surprise');
      const error = await echoes.expectNothing(10).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StompExpectationError);
      expect((error as Error).message).toMatch(/^Expected no message on \/topic\/echo, but 1 message arrived:\n {2}1\. MESSAGE \/topic\/echo \{.*\} body "surprise"$/);
    });

    it('rejects the SEND an ERROR answers, and every pending wait, with the ERROR frame', async () => {
      const c = await client().connect();
      const echoes = await c.subscribe('/topic/echo');
      const pending = echoes.next();
      const error = await c.send('/app/unmapped', {}).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StompServerError);
      const { frame } = error as StompServerError;
      expect(frame.headers.message).toContain('/app/unmapped');
      expect(frame.headers['receipt-id']).toEqual(expect.any(String));
      await expect(pending).rejects.toBe(error);
      await expect(c.send('/app/echo', {})).rejects.toBe(error);
      expect(c.error).toBe(error);
    });

    it('after disconnect, operations reject with StompConnectionClosedError; disconnect twice is harmless', async () => {
      const c = await client().connect();
      await c.disconnect();
      await c.disconnect();
      const error = await c.send('/app/echo', {}).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StompConnectionClosedError);
      expect((error as StompConnectionClosedError).closeCode).toBe(1000);
    });
  });

  describe('over SockJS', () => {
    it('connects through sockjs-client and round-trips a message', async () => {
      const c = await client({ path: '/sockjs', transport: 'sockjs' }).connect({ login: 'grace', passcode: 'secret' });
      expect(c.connection.userName).toBe('grace');
      const echoes = await c.subscribe('/topic/echo');
      await c.send('/app/echo', { over: 'sockjs' });
      expect((await echoes.next()).json()).toEqual({ over: 'sockjs' });
    });
  });
});
