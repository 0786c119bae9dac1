import { createStompTestClient, StompServerError, type StompTestClient } from 'nest-stomp/testing';
import { AppModule } from '../../apps/chat/src/app.module.js';
import { useApp } from '../support/apps.js';

/** A @SubscribeMapping answer: SUBSCRIBE, take the one reply, UNSUBSCRIBE. */
async function askOnce(client: StompTestClient, destination: string) {
  const subscription = await client.subscribe(destination);
  const reply = await subscription.next();
  await subscription.unsubscribe();
  return reply;
}

describe('chat app: sign-in, rooms, private messages, presence, validation', () => {
  const chat = useApp(AppModule);
  const clients: StompTestClient[] = [];

  async function connect(connect: { login?: string; headers?: Record<string, string> } = {}, path = '/portfolio/websocket'): Promise<StompTestClient> {
    const client = createStompTestClient(`${chat.wsUrl}${path}`, { timeout: 10_000 });
    clients.push(client);
    return client.connect(connect);
  }

  const signIn = (login: string) => connect({ login });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.disconnect()));
  });

  it('signs in with a login header: CONNECTED names the user, and messages carry that name', async () => {
    const alice = await connect({ login: 'alice' }, '/portfolio');
    expect(alice.connection.userName).toBe('alice');
    const messages = await alice.subscribe('/topic/messages');
    await alice.send('/app/chat.send', { sender: 'mallory', content: 'hi' });
    expect((await messages.next()).json()).toEqual({ sender: 'alice', content: 'hi' });
  });

  it('signs in with a token from POST /api/token, and refuses a forged one', async () => {
    const response = await fetch(`${chat.httpUrl}/api/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'carol' }),
    });
    expect(response.status).toBe(201);
    const { token } = (await response.json()) as { token: string };

    const carol = await connect({ headers: { token } }, '/portfolio');
    expect(carol.connection.userName).toBe('carol');

    const forged = `${Buffer.from('admin').toString('base64url')}.${token.split('.')[1]}`;
    const forger = createStompTestClient(`${chat.wsUrl}/portfolio`, { timeout: 10_000 });
    const error = await forger.connect({ headers: { token: forged } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StompServerError);
    expect((error as StompServerError).serverMessage).toBe('CONNECT refused: invalid token: ask POST /api/token for a new one');
    expect((await forger.waitForClose()).code).toBe(1002);
  });

  it('refuses a name it cannot show, with the rule in the ERROR', async () => {
    const refused = createStompTestClient(`${chat.wsUrl}/portfolio`, { timeout: 10_000 });
    const error = await refused.connect({ login: 'no spaces please' }).catch((e: unknown) => e);
    expect((error as StompServerError).serverMessage).toBe("CONNECT refused: 'no spaces please' is not a valid name: use 1 to 32 letters, digits, '_', '.' or '-'");
    await refused.waitForClose();
  });

  it('delivers a private message to its addressee only, and echoes it to every session of the sender', async () => {
    const alice = await signIn('alice');
    const aliceTab = await signIn('alice');
    const bob = await signIn('bob');
    const eve = await signIn('eve');
    const inboxes = await Promise.all([alice, aliceTab, bob, eve].map((c) => c.subscribe('/user/queue/private')));

    await alice.send('/app/chat.private', { to: 'bob', content: 'psst' });

    const expected = { from: 'alice', to: 'bob', content: 'psst' };
    for (const inbox of inboxes.slice(0, 3)) expect((await inbox.next()).json()).toEqual(expected);
    expect(inboxes[2]!.messages[0]!.destination).toBe('/user/queue/private');
    // eve's queue: after a RECEIPT round trip on her connection, anything for her would be here.
    await inboxes[3]!.expectNothing();
  });

  it('tells the sender why a private message failed, on /user/queue/errors', async () => {
    const alice = await signIn('alice');
    const errors = await alice.subscribe('/user/queue/errors');
    await alice.send('/app/chat.private', { to: 'nobody', content: 'hello?' });
    expect((await errors.next()).json()).toEqual({
      destination: '/app/chat.private',
      error: 'NotFoundException',
      message: "'nobody' is not online",
    });

    const anonymous = await connect({}, '/portfolio');
    const anonymousErrors = await anonymous.subscribe('/user/queue/errors');
    await anonymous.send('/app/chat.private', { to: 'alice', content: 'hi' });
    expect((await anonymousErrors.next()).json()).toMatchObject({
      error: 'ForbiddenException',
      message: 'Sign in (CONNECT with a login) to send private messages',
    });
  });

  it('sends validation failures to the sender with every message, and nothing to the room', async () => {
    const bob = await signIn('bob');
    const errors = await bob.subscribe('/user/queue/errors');
    const topic = await bob.subscribe('/topic/messages');
    await bob.send('/app/chat.send', { content: '' });
    const report = (await errors.next()).json<{ error: string; details: string[] }>();
    expect(report.error).toBe('BadRequestException');
    expect(report.details).toEqual(['content must not be blank', 'content should not be empty']);
    await topic.expectNothing();
  });

  it('lists the rooms on SUBSCRIBE /app/rooms and routes /app/room.{roomId} to /topic/room.{roomId}', async () => {
    const alice = await signIn('alice');
    const rooms = await askOnce(alice, '/app/rooms');
    expect(rooms.json<Array<{ id: string }>>().map((r) => r.id)).toEqual(['general', 'random', 'nestjs']);
    expect(rooms.destination).toBe('/app/rooms');

    const general = await alice.subscribe('/topic/room.general');
    const random = await alice.subscribe('/topic/room.random');
    await alice.send('/app/room.general', { content: 'morning' });
    const morning = (await general.next()).json<{ sentAt: string }>();
    expect(morning).toEqual({ room: 'general', sender: 'alice', content: 'morning', sentAt: expect.any(String) });
    expect(Math.abs(Date.parse(morning.sentAt) - Date.now())).toBeLessThan(60_000);
    await random.expectNothing();

    const errors = await alice.subscribe('/user/queue/errors');
    await alice.send('/app/room.cellar', { content: 'anyone?' });
    expect((await errors.next()).json()).toMatchObject({ error: 'NotFoundException', message: "There is no room 'cellar'" });
  });

  it('keeps presence: who is online on SUBSCRIBE /app/presence, changes on /topic/presence', async () => {
    const watcher = await signIn('watcher');
    const presence = await watcher.subscribe('/topic/presence');
    expect((await askOnce(watcher, '/app/presence')).json()).toEqual(['watcher']);

    const dave = await signIn('dave');
    expect((await presence.next()).json()).toEqual(['dave', 'watcher']);
    // A second tab of dave changes nothing; closing both takes him off the list.
    const daveTab = await signIn('dave');
    await daveTab.disconnect();
    await dave.disconnect();
    expect((await presence.next()).json()).toEqual(['watcher']);
    expect(presence.messages).toHaveLength(2);
  });
});
