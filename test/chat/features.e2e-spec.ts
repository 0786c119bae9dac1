import type { Client, IMessage } from '@stomp/stompjs';
import { AppModule } from '../../apps/chat/src/app.module.js';
import { useApp } from '../support/apps.js';
import { RawStompClient } from '../support/raw-stomp-client.js';
import { Recorder } from '../support/recorder.js';
import { connectStompClient, deactivateAll, publishConfirmed, subscribeConfirmed } from '../support/stomp-clients.js';

/** A @SubscribeMapping answer: SUBSCRIBE, take the one reply, UNSUBSCRIBE. */
async function askOnce(client: Client, destination: string): Promise<IMessage> {
  const inbox = new Recorder<IMessage>();
  const subscription = client.subscribe(destination, inbox.push);
  const [reply] = await inbox.waitFor(1);
  subscription.unsubscribe();
  return reply!;
}

describe('chat app: sign-in, rooms, private messages, presence, validation', () => {
  const chat = useApp(AppModule);
  const clients: Client[] = [];

  async function signIn(login: string): Promise<Client> {
    const client = await connectStompClient(`${chat.wsUrl}/portfolio/websocket`, { connectHeaders: { login } });
    clients.push(client);
    return client;
  }

  afterEach(async () => {
    await deactivateAll(...clients.splice(0));
  });

  it('signs in with a login header: CONNECTED names the user, and messages carry that name', async () => {
    const raw = await RawStompClient.connect(`${chat.wsUrl}/portfolio`, { login: 'alice' });
    try {
      expect(raw.frames[0]!.headers['user-name']).toBe('alice');
      raw.send('SUBSCRIBE', { id: '1', destination: '/topic/messages', receipt: 's' });
      await raw.nextFrame('RECEIPT');
      raw.send('SEND', { destination: '/app/chat.send', 'content-type': 'application/json' }, JSON.stringify({ sender: 'mallory', content: 'hi' }));
      const message = await raw.nextFrame('MESSAGE');
      expect(JSON.parse(message.text)).toEqual({ sender: 'alice', content: 'hi' });
    } finally {
      await raw.disconnect();
    }
  });

  it('signs in with a token from POST /api/token, and refuses a forged one', async () => {
    const response = await fetch(`${chat.httpUrl}/api/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'carol' }),
    });
    expect(response.status).toBe(201);
    const { token } = (await response.json()) as { token: string };

    const carol = await RawStompClient.connect(`${chat.wsUrl}/portfolio`, { token });
    expect(carol.frames[0]!.headers['user-name']).toBe('carol');
    await carol.disconnect();

    const forger = await RawStompClient.open(`${chat.wsUrl}/portfolio`);
    forger.send('CONNECT', { 'accept-version': '1.2', token: `${Buffer.from('admin').toString('base64url')}.${token.split('.')[1]}` });
    const error = await forger.nextFrame('ERROR');
    expect(error.headers.message).toBe('CONNECT refused: invalid token: ask POST /api/token for a new one');
    expect((await forger.waitClosed()).code).toBe(1002);
  });

  it('refuses a name it cannot show, with the rule in the ERROR', async () => {
    const raw = await RawStompClient.open(`${chat.wsUrl}/portfolio`);
    raw.send('CONNECT', { 'accept-version': '1.2', login: 'no spaces please' });
    const error = await raw.nextFrame('ERROR');
    expect(error.headers.message).toBe("CONNECT refused: 'no spaces please' is not a valid name: use 1 to 32 letters, digits, '_', '.' or '-'");
    await raw.waitClosed();
  });

  it('delivers a private message to its addressee only, and echoes it to every session of the sender', async () => {
    const alice = await signIn('alice');
    const aliceTab = await signIn('alice');
    const bob = await signIn('bob');
    const eve = await signIn('eve');
    const inboxes = await Promise.all([alice, aliceTab, bob, eve].map((c) => subscribeConfirmed(c, '/user/queue/private')));

    await publishConfirmed(alice, '/app/chat.private', JSON.stringify({ to: 'bob', content: 'psst' }));

    const expected = { from: 'alice', to: 'bob', content: 'psst' };
    for (const inbox of inboxes.slice(0, 3)) expect(JSON.parse((await inbox.waitFor(1))[0]!.body)).toEqual(expected);
    expect(inboxes[2]!.items[0]!.headers.destination).toBe('/user/queue/private');
    // eve's queue: the RECEIPT came after every delivery, so anything for her would be here by now.
    await publishConfirmed(eve, '/topic/nothing', 'x', { 'content-type': 'text/plain' });
    expect(inboxes[3]!.items).toHaveLength(0);
  });

  it('tells the sender why a private message failed, on /user/queue/errors', async () => {
    const alice = await signIn('alice');
    const errors = await subscribeConfirmed(alice, '/user/queue/errors');
    await publishConfirmed(alice, '/app/chat.private', JSON.stringify({ to: 'nobody', content: 'hello?' }));
    expect(JSON.parse((await errors.waitFor(1))[0]!.body)).toEqual({
      destination: '/app/chat.private',
      error: 'NotFoundException',
      message: "'nobody' is not online",
    });

    const anonymous = await connectStompClient(`${chat.wsUrl}/portfolio`);
    clients.push(anonymous);
    const anonymousErrors = await subscribeConfirmed(anonymous, '/user/queue/errors');
    await publishConfirmed(anonymous, '/app/chat.private', JSON.stringify({ to: 'alice', content: 'hi' }));
    expect(JSON.parse((await anonymousErrors.waitFor(1))[0]!.body)).toMatchObject({
      error: 'ForbiddenException',
      message: 'Sign in (CONNECT with a login) to send private messages',
    });
  });

  it('sends validation failures to the sender with every message, and nothing to the room', async () => {
    const bob = await signIn('bob');
    const errors = await subscribeConfirmed(bob, '/user/queue/errors');
    const topic = await subscribeConfirmed(bob, '/topic/messages');
    await publishConfirmed(bob, '/app/chat.send', JSON.stringify({ content: '' }));
    const report = JSON.parse((await errors.waitFor(1))[0]!.body) as { error: string; details: string[] };
    expect(report.error).toBe('BadRequestException');
    expect(report.details).toEqual(['content must not be blank', 'content should not be empty']);
    expect(topic.items).toHaveLength(0);
  });

  it('lists the rooms on SUBSCRIBE /app/rooms and routes /app/room.{roomId} to /topic/room.{roomId}', async () => {
    const alice = await signIn('alice');
    const rooms = await askOnce(alice, '/app/rooms');
    expect(JSON.parse(rooms.body).map((r: { id: string }) => r.id)).toEqual(['general', 'random', 'nestjs']);
    expect(rooms.headers.destination).toBe('/app/rooms');

    const general = await subscribeConfirmed(alice, '/topic/room.general');
    const random = await subscribeConfirmed(alice, '/topic/room.random');
    await publishConfirmed(alice, '/app/room.general', JSON.stringify({ content: 'morning' }));
    const [morning] = await general.waitFor(1);
    expect(JSON.parse(morning!.body)).toEqual({ room: 'general', sender: 'alice', content: 'morning', sentAt: expect.any(String) });
    expect(Math.abs(Date.parse(JSON.parse(morning!.body).sentAt) - Date.now())).toBeLessThan(60_000);
    expect(random.items).toHaveLength(0);

    const errors = await subscribeConfirmed(alice, '/user/queue/errors');
    await publishConfirmed(alice, '/app/room.cellar', JSON.stringify({ content: 'anyone?' }));
    expect(JSON.parse((await errors.waitFor(1))[0]!.body)).toMatchObject({ error: 'NotFoundException', message: "There is no room 'cellar'" });
  });

  it('keeps presence: who is online on SUBSCRIBE /app/presence, changes on /topic/presence', async () => {
    const watcher = await signIn('watcher');
    const presence = await subscribeConfirmed(watcher, '/topic/presence');
    expect(JSON.parse((await askOnce(watcher, '/app/presence')).body)).toEqual(['watcher']);

    const dave = await signIn('dave');
    expect(JSON.parse((await presence.waitFor(1))[0]!.body)).toEqual(['dave', 'watcher']);
    // A second tab of dave changes nothing; closing both takes him off the list.
    const daveTab = await signIn('dave');
    await daveTab.deactivate();
    await dave.deactivate();
    expect(JSON.parse((await presence.waitFor(2))[1]!.body)).toEqual(['watcher']);
    expect(presence.items).toHaveLength(2);
  });
});
