import { Module } from '@nestjs/common';
import { SimpMessagingTemplate, StompModule, type StompPrincipal } from 'nest-stomp';
import { useApp } from '../support/apps.js';
import { RawStompClient } from '../support/raw-stomp-client.js';
import { closeAll, expectRefusal, messagesOf, publish, subscribe, subscriptionCount, waitMessages } from '../support/raw-frames.js';
import { unique } from '../support/unique.js';

interface User extends StompPrincipal {
  readonly admin: boolean;
}

@Module({
  imports: [
    StompModule.forRoot({
      endpoint: '/ws',
      authenticate: ({ login }) => (login ? { name: login, admin: login === 'root' } : undefined),
      authorization: {
        rules: [
          { destination: '/topic/news/**', on: 'SEND', allow: 'nobody' },
          { destination: '/topic/news/**', on: 'SUBSCRIBE', allow: 'authenticated' },
          { destination: '/topic/admin/**', allow: (user) => (user as User | undefined)?.admin === true },
          { destination: '/topic/vip/**', allow: async (user) => user?.name === 'alice' },
          { destination: '/topic/open/**', allow: 'everyone' },
          { destination: '/queue/**', allow: 'everyone' },
        ],
        otherwise: 'deny',
      },
    }),
  ],
})
class AuthorizationModule {}

@Module({
  imports: [
    StompModule.forRoot({
      endpoint: { path: '/ws', sockJs: true },
      heartbeat: [0, 0],
      maxFrameSize: 1024,
      authenticate: ({ login }) => (login ? { name: login, admin: login === 'root' } : undefined),
      authorization: {
        rules: [
          { destination: '/topic/admin/**', allow: (user) => user?.['admin'] === true },
          { destination: '/topic/**', on: 'SUBSCRIBE', allow: 'everyone' },
        ],
      },
    }),
  ],
})
class PatternRulesModule {}

describe('hardening: the authorization option', () => {
  const server = useApp(AuthorizationModule);
  const url = () => `${server.wsUrl}/ws`;
  const clients: RawStompClient[] = [];

  async function connect(login?: string): Promise<RawStompClient> {
    const client = await RawStompClient.connect(url(), login ? { login } : {});
    clients.push(client);
    return client;
  }

  /** A message round trip on the client's own connection: whatever was sent to it before has arrived. */
  async function nothingArrived(client: RawStompClient, destination: string): Promise<void> {
    const marker = `/queue/${unique('barrier')}`;
    await subscribe(client, marker);
    await publish(client, marker, 'barrier');
    await waitMessages(client, 1, marker);
    expect(messagesOf(client, destination)).toEqual([]);
  }

  afterEach(async () => {
    await closeAll(...clients.splice(0));
  });

  it("refuses every client's SEND to /topic/news (allow 'nobody'), while the server itself still publishes there", async () => {
    const reader = await connect('alice');
    await subscribe(reader, '/topic/news');
    for (const login of [undefined, 'alice', 'root']) {
      const writer = await connect(login);
      writer.send('SEND', { destination: '/topic/news', 'content-type': 'text/plain', receipt: 'r-news' }, 'fake news');
      await expectRefusal(writer, {
        message: "SEND refused: not allowed to SEND to '/topic/news' (authorization rule '/topic/news/**')",
        receiptId: 'r-news',
      });
    }
    await nothingArrived(reader, '/topic/news');

    await server.app.get(SimpMessagingTemplate).convertAndSend('/topic/news', 'official news');
    const [news] = await waitMessages(reader, 1, '/topic/news');
    expect(news!.text).toBe('official news');
  });

  it('lets only authenticated sessions SUBSCRIBE to /topic/news; a refused SUBSCRIBE subscribes nothing', async () => {
    const baseline = subscriptionCount(server.app);
    const anonymous = await connect();
    anonymous.send('SUBSCRIBE', { id: 'peek', destination: '/topic/news/eu', receipt: 'r-peek' });
    await expectRefusal(anonymous, {
      message: "SUBSCRIBE refused: not allowed to SUBSCRIBE to '/topic/news/eu' (authorization rule '/topic/news/**')",
      receiptId: 'r-peek',
    });
    expect(subscriptionCount(server.app)).toBe(baseline);

    const bob = await connect('bob');
    await subscribe(bob, '/topic/news/eu');
    expect(subscriptionCount(server.app)).toBe(baseline + 1);
  });

  it("refuses a destination no rule lists (otherwise: 'deny'), for SEND and SUBSCRIBE alike", async () => {
    const root = await connect('root');
    root.send('SEND', { destination: '/topic/unlisted', receipt: 'r-unlisted' }, 'x');
    await expectRefusal(root, { message: "SEND refused: no authorization rule allows a SEND to '/topic/unlisted' (deny by default)", receiptId: 'r-unlisted' });

    const alice = await connect('alice');
    alice.send('SUBSCRIBE', { id: 's', destination: '/topic/unlisted' });
    await expectRefusal(alice, { message: "SUBSCRIBE refused: no authorization rule allows a SUBSCRIBE to '/topic/unlisted' (deny by default)" });

    // An application destination is a destination like any other.
    const app = await connect('alice');
    app.send('SEND', { destination: '/app/anything' });
    await expectRefusal(app, { message: "SEND refused: no authorization rule allows a SEND to '/app/anything' (deny by default)" });
  });

  it('applies a rule of your own, sync or async, to the session principal', async () => {
    const root = await connect('root');
    await subscribe(root, '/topic/admin/audit');
    await publish(root, '/topic/admin/audit', 'by root');
    expect((await waitMessages(root, 1, '/topic/admin/audit'))[0]!.text).toBe('by root');

    const alice = await connect('alice');
    await subscribe(alice, '/topic/vip/lounge');
    alice.send('SUBSCRIBE', { id: 'audit', destination: '/topic/admin/audit', receipt: 'r-audit' });
    await expectRefusal(alice, {
      message: "SUBSCRIBE refused: not allowed to SUBSCRIBE to '/topic/admin/audit' (authorization rule '/topic/admin/**')",
      receiptId: 'r-audit',
    });

    const bob = await connect('bob');
    bob.send('SEND', { destination: '/topic/vip/lounge', receipt: 'r-vip' }, 'gatecrash');
    await expectRefusal(bob, { message: "SEND refused: not allowed to SEND to '/topic/vip/lounge' (authorization rule '/topic/vip/**')", receiptId: 'r-vip' });
  });

  it("lets anyone, anonymous included, use a destination allowed to 'everyone'", async () => {
    const anonymous = await connect();
    await subscribe(anonymous, '/topic/open/lobby');
    await publish(anonymous, '/topic/open/lobby', 'hello');
    expect((await waitMessages(anonymous, 1, '/topic/open/lobby'))[0]!.text).toBe('hello');
  });

  it("never opens another session's resolved user queue, even where a rule allows '/queue/**' to everyone", async () => {
    // Further cases (SEND, pattern subscriptions) are in test/users/user-destinations.e2e-spec.ts.
    const alice = await connect('alice');
    const mallory = await connect('mallory');
    const destination = `/queue/notes-user${alice.frames[0]!.headers.session}`;
    mallory.send('SUBSCRIBE', { id: 'steal', destination, receipt: 'r-steal' });
    await expectRefusal(mallory, {
      message: `SUBSCRIBE to '${destination}' is refused: it is a session's private user queue; use '/user/...' destinations instead`,
      receiptId: 'r-steal',
    });
    // What the rule allows stays allowed: a plain /queue destination.
    await subscribe(alice, '/queue/plain');
  });
});

/** A pattern SUBSCRIBE could match destinations a rule restricts: it is allowed only to a user every rule admits. */
describe('hardening: pattern subscriptions under authorization rules', () => {
  const server = useApp(PatternRulesModule);

  it.each(['/topic/**', '/topic/*/secrets', '/topic/admin/*'])('refuses a pattern SUBSCRIBE (%s) that could read a restricted topic', async (pattern) => {
    const eve = await RawStompClient.connect(`${server.wsUrl}/ws`, { login: 'eve' });
    eve.send('SUBSCRIBE', { id: '1', destination: pattern, receipt: 'r' });
    const error = await eve.nextFrame('ERROR');
    expect(error.headers.message).toBe(
      `SUBSCRIBE refused: a pattern subscription to '${pattern}' could reach destinations the authorization rules restrict: subscribe to them one by one`,
    );
    expect(error.headers['receipt-id']).toBe('r');
    await eve.waitClosed();
  });

  it('lets the admin subscribe to the pattern, since every rule admits them', async () => {
    const root = await RawStompClient.connect(`${server.wsUrl}/ws`, { login: 'root' });
    root.send('SUBSCRIBE', { id: '1', destination: '/topic/**', receipt: 'r' });
    await root.nextFrame('RECEIPT');
    await root.disconnect();
  });
});
