import { Module } from '@nestjs/common';
import { Client, type IFrame } from '@stomp/stompjs';
import { WebSocket } from 'ws';
import { StompModule, StompSessionRegistry, type StompChannelInterceptor, type StompFrame } from 'nest-stomp';
import { useApp } from '../support/apps.js';
import { recordEvents, sessionOf } from '../support/events.js';
import { RawStompClient } from '../support/raw-stomp-client.js';
import { closeAll, expectRefusal, frameBytes, messagesOf, publish, RawTap, receiptFor, subscribe, subscriptionCount, waitMessages } from '../support/raw-frames.js';
import { unique } from '../support/unique.js';

/** What the interceptors saw, in order. */
const inboundSeen: string[] = [];

const authenticating: StompChannelInterceptor = {
  inbound(frame, session) {
    if (frame.command !== 'CONNECT' && frame.command !== 'STOMP') return frame;
    const token = frame.headers.token;
    if (token === 'bad') throw new Error('bad token');
    if (token) session.principal = { name: `user-of-${token}`, via: 'interceptor' };
    return frame;
  },
};

const authorizing: StompChannelInterceptor = {
  inbound(frame) {
    if (frame.command === 'SUBSCRIBE' && frame.headers.destination?.startsWith('/topic/admin')) {
      throw new Error(`no access to ${frame.headers.destination}`);
    }
    return frame;
  },
};

const rewriting: StompChannelInterceptor = {
  inbound(frame): StompFrame | null {
    if (frame.command !== 'SEND') return frame;
    const destination = frame.headers.destination ?? '';
    if (destination.startsWith('/topic/dropped')) return null;
    if (destination.startsWith('/topic/stamped')) return { ...frame, headers: { ...frame.headers, 'x-stamped': 'by-interceptor' } };
    if (destination === '/topic/old-name') return { ...frame, headers: { ...frame.headers, destination: '/topic/new-name' } };
    return frame;
  },
};

/** Slow for frames marked `x-slow`: later frames must still take effect after them. */
const slowAsync: StompChannelInterceptor = {
  async inbound(frame) {
    if (frame.command === 'SEND' && frame.headers['x-seq'] !== undefined) {
      if (frame.headers['x-slow'] === 'yes') await new Promise((resolve) => setTimeout(resolve, 15));
      else await Promise.resolve();
      inboundSeen.push(frame.headers['x-seq']);
    }
    return frame;
  },
};

const outbound: StompChannelInterceptor = {
  outbound(frame) {
    if (frame.command !== 'MESSAGE') return frame;
    if (frame.headers['x-secret'] !== undefined) return null;
    return { ...frame, headers: { ...frame.headers, 'x-outbound': 'seen' } };
  },
};

@Module({
  imports: [StompModule.forRoot({ endpoint: '/ws', interceptors: [authenticating, authorizing, rewriting, slowAsync, outbound] })],
})
class InterceptorsModule {}

/** `authenticate` reading the handshake: `?token=` in the URL, or a cookie; refusing by throwing. */
@Module({
  imports: [
    StompModule.forRoot({
      endpoint: '/ws',
      authenticate: async ({ handshake, login, headers }) => {
        if (login === 'evil') throw new Error('evil is not welcome');
        if (login === 'bad name!') throw new Error(`'${login}' is not a name: use letters`);
        if (headers.token === 'reject-async') return Promise.reject(new Error('token expired'));
        const token = new URL(handshake.url, 'http://localhost').searchParams.get('token');
        if (token) return { name: `token-${token}` };
        const cookie = /(?:^|;\s*)sid=([^;]+)/.exec(handshake.headers.cookie ?? '')?.[1];
        if (cookie) return { name: `cookie-${cookie}` };
        return login ? { name: login } : undefined;
      },
    }),
  ],
})
class HandshakeAuthModule {}

describe('parity: channel interceptors and authentication', () => {
  describe('interceptors option', () => {
    const server = useApp(InterceptorsModule);
    const url = () => `${server.wsUrl}/ws`;

    it('an inbound interceptor authenticates the CONNECT: CONNECTED has user-name, the session its principal', async () => {
      const client = await RawStompClient.connect(url(), { token: 't1' });
      try {
        const connected = client.frames[0]!;
        expect(connected.headers['user-name']).toBe('user-of-t1');
        const session = server.app.get(StompSessionRegistry).get(connected.headers.session!)!;
        expect(session.principal).toEqual({ name: 'user-of-t1', via: 'interceptor' });
      } finally {
        await closeAll(client);
      }
    });

    it("an inbound interceptor throwing on CONNECT → ERROR 'CONNECT refused: bad token' and close; no session events", async () => {
      const events = recordEvents(server.app);
      const client = await RawStompClient.open(url());
      try {
        client.send('CONNECT', { 'accept-version': '1.2', host: 'localhost', token: 'bad' });
        await expectRefusal(client, { message: 'CONNECT refused: bad token' });
        expect(client.frames.map((f) => f.command)).toEqual(['ERROR']);
        expect(events.items.filter((e) => e.type === 'connected' || e.type === 'disconnect')).toEqual([]);
      } finally {
        events.stop();
      }
    });

    it("an inbound interceptor refusing a SUBSCRIBE → ERROR 'SUBSCRIBE refused: ...' with receipt-id; nothing subscribed", async () => {
      const events = recordEvents(server.app);
      const client = await RawStompClient.connect(url());
      try {
        const sessionId = client.frames[0]!.headers.session!;
        const before = subscriptionCount(server.app);
        client.send('SUBSCRIBE', { id: 'adm', destination: '/topic/admin/audit', receipt: 'r-adm' });
        await expectRefusal(client, { message: 'SUBSCRIBE refused: no access to /topic/admin/audit', receiptId: 'r-adm' });
        expect(subscriptionCount(server.app)).toBe(before);
        expect(events.items.filter((e) => e.type === 'subscribe' && sessionOf(e) === sessionId)).toEqual([]);
      } finally {
        events.stop();
      }
    });

    it('an inbound interceptor changing a SEND: the added header reaches subscribers', async () => {
      const client = await RawStompClient.connect(url());
      try {
        const topic = `/topic/stamped-${unique('t')}`;
        await subscribe(client, topic);
        await publish(client, topic, 'stamp me');
        const [message] = await waitMessages(client, 1);
        expect(message!.headers['x-stamped']).toBe('by-interceptor');
        expect(message!.text).toBe('stamp me');
      } finally {
        await closeAll(client);
      }
    });

    it("an inbound interceptor changing a SEND's destination: it is delivered where the interceptor says", async () => {
      const client = await RawStompClient.connect(url());
      try {
        await subscribe(client, '/topic/old-name', 'old');
        await subscribe(client, '/topic/new-name', 'new');
        await publish(client, '/topic/old-name', 'moved');
        const messages = messagesOf(client);
        expect(messages.map((m) => [m.headers.subscription, m.headers.destination, m.text])).toEqual([['new', '/topic/new-name', 'moved']]);
      } finally {
        await closeAll(client);
      }
    });

    it('an inbound interceptor returning null drops the SEND silently: the RECEIPT still comes, nothing is delivered', async () => {
      const sender = await RawStompClient.connect(url());
      const listener = await RawStompClient.connect(url());
      try {
        const topic = `/topic/dropped-${unique('d')}`;
        await subscribe(listener, topic);
        await publish(sender, topic, 'never seen');
        expect(sender.closed).toBeUndefined();
        // Listener round trip: a MESSAGE written before it would have arrived.
        await publish(listener, `/topic/${unique('marker')}`, 'm');
        expect(messagesOf(listener)).toHaveLength(0);
      } finally {
        await closeAll(sender, listener);
      }
    });

    it('an asynchronous inbound interceptor keeps frame order, also when early frames take longer', async () => {
      const client = await RawStompClient.connect(url());
      try {
        inboundSeen.length = 0;
        const topic = `/topic/${unique('ordered')}`;
        await subscribe(client, topic);
        const frames = ['1', '2', '3', '4', '5'].map((seq) =>
          frameBytes('SEND', { destination: topic, 'content-type': 'text/plain', 'x-seq': seq, 'x-slow': seq === '1' || seq === '3' ? 'yes' : 'no' }, `m${seq}`),
        );
        client.write(Buffer.concat([...frames, frameBytes('SEND', { destination: topic, 'content-type': 'text/plain', receipt: 'r-last' }, 'last')]));
        await receiptFor(client, 'r-last');
        expect(messagesOf(client).map((m) => m.text)).toEqual(['m1', 'm2', 'm3', 'm4', 'm5', 'last']);
        expect(inboundSeen).toEqual(['1', '2', '3', '4', '5']);
      } finally {
        await closeAll(client);
      }
    });

    it('an outbound interceptor adds a header to MESSAGE frames and drops those it returns null for', async () => {
      const client = await RawStompClient.connect(url());
      try {
        const topic = `/topic/${unique('out')}`;
        await subscribe(client, topic);
        await publish(client, topic, 'secret', { 'x-secret': '1' });
        await publish(client, topic, 'public');
        const messages = messagesOf(client);
        expect(messages.map((m) => m.text)).toEqual(['public']);
        expect(messages[0]!.headers['x-outbound']).toBe('seen');
        // Other frames pass unchanged.
        const receipts = client.frames.filter((f) => f.command === 'RECEIPT');
        expect(receipts.every((r) => r.headers['x-outbound'] === undefined)).toBe(true);
      } finally {
        await closeAll(client);
      }
    });
  });

  describe('authenticate option', () => {
    const server = useApp(HandshakeAuthModule);
    const url = () => `${server.wsUrl}/ws`;

    it('reads the handshake URL: ?token=abc', async () => {
      const client = await RawStompClient.open(`${url()}?token=abc`);
      try {
        client.send('CONNECT', { 'accept-version': '1.2', host: 'localhost' });
        const connected = await client.nextFrame('CONNECTED');
        expect(connected.headers['user-name']).toBe('token-abc');
      } finally {
        await closeAll(client);
      }
    });

    it('reads the handshake cookies', async () => {
      const client = await RawStompClient.open(url(), ['v12.stomp'], { cookie: 'theme=dark; sid=xyz' });
      try {
        client.send('CONNECT', { 'accept-version': '1.2', host: 'localhost' });
        expect((await client.nextFrame('CONNECTED')).headers['user-name']).toBe('cookie-xyz');
      } finally {
        await closeAll(client);
      }
    });

    it("throwing refuses the CONNECT: ERROR 'CONNECT refused: <message>' and close", async () => {
      const client = await RawStompClient.open(url());
      client.send('CONNECT', { 'accept-version': '1.2', host: 'localhost', login: 'evil', passcode: 'x' });
      await expectRefusal(client, { message: 'CONNECT refused: evil is not welcome' });
    });

    it('writes the ERROR answering a CONNECT unescaped, as CONNECT and CONNECTED are (no version is agreed yet)', async () => {
      const client = await RawStompClient.open(url());
      const tap = new RawTap(client);
      client.send('CONNECT', { 'accept-version': '1.2', host: 'localhost', login: 'bad name!', passcode: 'x' });
      await client.waitClosed();
      const raw = tap.find('ERROR')!.toString('utf8');
      expect(raw).toContain("\nmessage:CONNECT refused: 'bad name!' is not a name: use letters\n");
      expect(raw).not.toContain('\\c');
    });

    it('a @stomp/stompjs client reads that ERROR as written: its message keeps its colons, no \\c', async () => {
      const client = new Client({
        webSocketFactory: () => new WebSocket(url(), ['v12.stomp', 'v11.stomp', 'v10.stomp']),
        connectHeaders: { login: 'bad name!', passcode: 'x' },
        reconnectDelay: 0,
        heartbeatIncoming: 0,
        heartbeatOutgoing: 0,
      });
      try {
        const error = await new Promise<IFrame>((resolve, reject) => {
          client.onStompError = resolve;
          client.onConnect = () => reject(new Error('connected although authenticate refused'));
          client.activate();
        });
        expect(error.headers.message).toBe("CONNECT refused: 'bad name!' is not a name: use letters");
      } finally {
        await client.deactivate();
      }
    });

    it('a rejected promise refuses the CONNECT too', async () => {
      const client = await RawStompClient.open(url());
      client.send('CONNECT', { 'accept-version': '1.2', host: 'localhost', token: 'reject-async' });
      await expectRefusal(client, { message: 'CONNECT refused: token expired' });
    });

    it('undefined leaves the session anonymous', async () => {
      const client = await RawStompClient.connect(url());
      try {
        expect(client.frames[0]!.headers['user-name']).toBeUndefined();
      } finally {
        await closeAll(client);
      }
    });
  });
});
