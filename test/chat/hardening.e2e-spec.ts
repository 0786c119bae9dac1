import { AppModule } from '../../apps/chat/src/app.module.js';
import { ChatAuthService } from '../../apps/chat/src/auth/chat-auth.service.js';
import { useApp } from '../support/apps.js';
import { RawStompClient } from '../support/raw-stomp-client.js';
import { createStompTestClient, StompServerError, type StompTestClient } from 'nest-stomp/testing';

/** The documented default lifetime of a token (CHAT_TOKEN_TTL_SECONDS unset): 12 hours. */
const DEFAULT_TOKEN_TTL_SECONDS = 12 * 60 * 60;

/**
 * The chat app is the sample people copy: its sign-in must not be the weak spot. Each test replays
 * an attack of issue 11 (item 9) against the running app, over the wire.
 */
describe('hardening: the chat app’s tokens, names and server-owned topics', () => {
  const chat = useApp(AppModule);
  const clients: StompTestClient[] = [];

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.disconnect()));
  });

  async function requestToken(name: string): Promise<{ status: number; body: { token?: string; name?: string; expiresAt?: string; message?: string[] } }> {
    const response = await fetch(`${chat.httpUrl}/api/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name }) });
    return { status: response.status, body: (await response.json()) as never };
  }

  /** CONNECT with `headers`: the user name of CONNECTED, or the message of the ERROR that refused it. */
  async function connectAs(headers: Record<string, string>): Promise<{ user: string | undefined } | { refused: string }> {
    const client = createStompTestClient(`${chat.wsUrl}/portfolio`, { timeout: 10_000 });
    try {
      await client.connect({ headers });
    } catch (error) {
      if (!(error instanceof StompServerError)) throw error;
      await client.waitForClose();
      return { refused: error.serverMessage! };
    }
    await client.disconnect();
    return { user: client.connection.userName };
  }

  async function connect(path: string, login?: string): Promise<StompTestClient> {
    const client = createStompTestClient(`${chat.wsUrl}${path}`, { timeout: 10_000 });
    clients.push(client);
    return client.connect({ login });
  }

  const signIn = (login: string) => connect('/portfolio/websocket', login);

  describe('tokens', () => {
    it(`expire: POST /api/token says when (${DEFAULT_TOKEN_TTL_SECONDS / 3600} h by default), and a token past it is refused`, async () => {
      const before = Date.now();
      const { status, body } = await requestToken('carol');
      expect(status).toBe(201);
      const expiresAt = Date.parse(body.expiresAt!);
      expect(expiresAt).toBeGreaterThan(before + DEFAULT_TOKEN_TTL_SECONDS * 1000 - 2000);
      expect(expiresAt).toBeLessThanOrEqual(Date.now() + DEFAULT_TOKEN_TTL_SECONDS * 1000);
      expect(await connectAs({ token: body.token! })).toEqual({ user: 'carol' });

      // The same service, the same secret: a token issued just over its lifetime ago.
      const auth = chat.app.get(ChatAuthService);
      const stale = auth.issueToken('carol', Date.now() - DEFAULT_TOKEN_TTL_SECONDS * 1000 - 1000);
      expect(stale.expiresAt.getTime()).toBeLessThan(Date.now());
      expect(await connectAs({ token: stale.token })).toEqual({ refused: 'CONNECT refused: expired token: ask POST /api/token for a new one' });
    });

    it('verify exactly: any appended, removed or changed character is refused, and the genuine token still signs in', async () => {
      const { body } = await requestToken('dave');
      const token = body.token!;
      const [payload, signature] = token.split('.') as [string, string];
      // The last base64url character of a 32-byte MAC has 2 spare bits: the next character spells the same bytes.
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
      const sameBytes = `${signature.slice(0, -1)}${alphabet[alphabet.indexOf(signature.at(-1)!) + 1]}`;
      expect(Buffer.from(sameBytes, 'base64url')).toEqual(Buffer.from(signature, 'base64url'));
      const tampered = [
        `${token}.extra`,
        `${token}A`,
        `${token}==`,
        `${token}=`,
        `${token} `,
        `${token}\t`,
        `${payload}A.${signature}`,
        `${payload}==.${signature}`,
        `${payload}.${signature}.${signature}`,
        `${payload}.${sameBytes}`,
        `${payload}.${signature.slice(0, -1)}`,
        `.${token}`,
        `${payload}.${signature.toUpperCase()}`,
        `${Buffer.from('v1\n99999999999\nadmin').toString('base64url')}.${signature}`,
        `${Buffer.from('admin').toString('base64url')}.${signature}`,
        '',
      ];
      for (const forged of tampered) {
        expect([JSON.stringify(forged), await connectAs({ token: forged })]).toEqual([
          JSON.stringify(forged),
          { refused: 'CONNECT refused: invalid token: ask POST /api/token for a new one' },
        ]);
      }
      expect(await connectAs({ token })).toEqual({ user: 'dave' });
    });
  });

  describe('names', () => {
    it('are normalised (NFKC, lower case): full-width ｂｏｂ and BOB sign in as the one user bob', async () => {
      expect(await connectAs({ login: 'ｂｏｂ' })).toEqual({ user: 'bob' });
      expect(await connectAs({ login: 'BOB' })).toEqual({ user: 'bob' });
      expect((await requestToken('ＢＯＢ')).body.name).toBe('bob');

      const bob = await signIn('bob');
      const fullWidth = await signIn('ｂｏｂ');
      const presence = await bob.subscribe('/topic/presence');
      const inboxes = await Promise.all([bob, fullWidth].map((client) => client.subscribe('/user/queue/private')));
      const alice = await signIn('alice');
      // One user with two sessions: the presence list names bob once, and a message to him reaches both.
      expect((await presence.next()).json()).toEqual(['alice', 'bob']);
      await alice.send('/app/chat.private', { to: 'ｂｏｂ', content: 'one of you' });
      for (const inbox of inboxes) expect((await inbox.next()).json()).toEqual({ from: 'alice', to: 'bob', content: 'one of you' });
    });

    it.each([
      ['bоb (Cyrillic о)', 'bоb', "'bоb' is not a valid name: it mixes scripts (Latin, Cyrillic); write it in one"],
      ['рор (all Cyrillic, looks like pop)', 'рор', "'рор' is not a valid name: its Cyrillic letters look like the Latin name 'pop'"],
      ['ΑΡΟ (Greek, looks like apo)', 'ΑΡΟ', "'αρο' is not a valid name: its Greek letters look like the Latin name 'apo'"],
      ['admin', 'admin', "'admin' is reserved: choose another name"],
      ['Ａｄｍｉｎ (full width)', 'Ａｄｍｉｎ', "'admin' is reserved: choose another name"],
      ['adm1n', 'adm1n', "'adm1n' is reserved: choose another name"],
      ['System', 'System', "'system' is reserved: choose another name"],
      ['anonymous', 'anonymous', "'anonymous' is reserved: choose another name"],
      ['an RTL override', 'bob\u202Eevil', "'bobU+202Eevil' is not a valid name: it contains an invisible or direction-changing character (U+202E)"],
      ['an RTL isolate', '\u2067bob', "'U+2067bob' is not a valid name: it contains an invisible or direction-changing character (U+2067)"],
      ['a zero-width space', 'bo\u200Bb', "'boU+200Bb' is not a valid name: it contains an invisible or direction-changing character (U+200B)"],
      ['a combining mark', 'bo\u0336b', "'bo̶b' is not a valid name: U+0336 is not a letter of a script names are written in"],
      ['33 letters', 'a'.repeat(33), `'${'a'.repeat(33)}' is not a valid name: use 1 to 32 letters, digits, '_', '.' or '-'`],
    ])('refuses %s, at sign-in and for a token, saying which rule', async (_, name, reason) => {
      expect(await connectAs({ login: name })).toEqual({ refused: `CONNECT refused: ${reason}` });
      const { status, body } = await requestToken(name);
      expect([status, body.message]).toEqual([400, [`name: ${reason}`]]);
    });

    it('still takes names in one script, Latin or not', async () => {
      expect(await connectAs({ login: 'José' })).toEqual({ user: 'josé' });
      expect(await connectAs({ login: 'Борис' })).toEqual({ user: 'борис' });
      expect(await connectAs({ login: 'やまだ太郎' })).toEqual({ user: 'やまだ太郎' });
      expect(await connectAs({ login: 'नमस्ते' })).toEqual({ user: 'नमस्ते' });
      expect(await connectAs({ login: 'first.last-2_x' })).toEqual({ user: 'first.last-2_x' });
    });

    it('hold for the sender an anonymous client claims on /app/chat.send', async () => {
      const anonymous = await connect('/portfolio');
      const errors = await anonymous.subscribe('/user/queue/errors');
      const messages = await anonymous.subscribe('/topic/messages');
      await anonymous.send('/app/chat.send', { sender: 'admin', content: 'reboot now' });
      expect((await errors.next()).json()).toMatchObject({ error: 'BadRequestException', details: ["sender: 'admin' is reserved: choose another name"] });
      await anonymous.send('/app/chat.send', { sender: 'ＢＯＢ', content: 'hi' });
      expect((await messages.next()).json()).toEqual({ sender: 'bob', content: 'hi' });
    });
  });

  describe('server-owned topics', () => {
    it.each(['/topic/presence', '/topic/messages', '/topic/room.general'])(
      'refuse a SEND to %s, anonymous or signed in, and subscribers never see it',
      async (topic) => {
        const watcher = await signIn('watcher');
        const watched = await watcher.subscribe(topic);
        const forgery = JSON.stringify(topic === '/topic/presence' ? ['admin', 'nobody-else'] : { room: 'general', sender: 'watcher', content: 'forged' });

        for (const headers of [{}, { login: 'mallory' }] as Record<string, string>[]) {
          const forger = await RawStompClient.connect(`${chat.wsUrl}/portfolio`, headers);
          forger.send('SEND', { destination: topic, 'content-type': 'application/json', receipt: 'forged' }, forgery);
          const error = await forger.nextFrame('ERROR');
          expect(error.headers.message).toBe(`SEND refused: not allowed to SEND to '${topic}' (authorization rule '${topic === '/topic/room.general' ? '/topic/room.*' : topic}')`);
          await forger.waitClosed();
          // Inside a transaction too: the rule applies to the SEND, not to its COMMIT.
          const transacted = await RawStompClient.connect(`${chat.wsUrl}/portfolio`, headers);
          transacted.send('BEGIN', { transaction: 't' });
          transacted.send('SEND', { destination: topic, transaction: 't', 'content-type': 'application/json' }, forgery);
          transacted.send('COMMIT', { transaction: 't', receipt: 'committed' });
          expect((await transacted.nextFrame('ERROR')).headers.message).toMatch(/^SEND refused: not allowed/);
          await transacted.waitClosed();
        }

        // What the server publishes still arrives; the forgeries never did.
        const genuine = await signIn('erin');
        if (topic !== '/topic/presence') {
          await genuine.send(topic === '/topic/messages' ? '/app/chat.send' : '/app/room.general', { content: 'genuine' });
        }
        const last = await watched.expectMessage((message) => message.text.includes('erin'));
        const seen = watched.messages.slice(0, watched.messages.indexOf(last) + 1).map((message) => message.text);
        expect(seen.at(-1)).toEqual(topic === '/topic/presence' ? JSON.stringify(['erin', 'watcher']) : expect.stringContaining('"sender":"erin","content":"genuine"'));
        expect(seen).not.toContain(forgery);
      },
    );

    it('leave other topics open to SENDs, as in Spring’s setup', async () => {
      const client = await connect('/portfolio');
      const news = await client.subscribe('/topic/open.news');
      await client.send('/topic/open.news', 'open', { 'content-type': 'text/plain' });
      expect((await news.next()).text).toBe('open');
    });
  });
});
