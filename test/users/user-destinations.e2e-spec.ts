import { Controller, Module } from '@nestjs/common';
import { firstValueFrom, filter } from 'rxjs';
import { MessageExceptionHandler, MessageMapping, Principal, SendTo, SendToUser, SessionId, SimpMessagingTemplate, SimpUserRegistry, StompEvents, StompModule, type StompPrincipal } from 'nest-stomp';
import { startApp, type RunningApp } from '../support/apps.js';
import { RawStompClient } from '../support/raw-stomp-client.js';
import { closeAll, expectRefusal, messagesOf, publish, subscribe, waitMessages } from '../support/raw-frames.js';
import { deactivateAll, publishConfirmed, subscribeConfirmed, barrier, bodies, connectWithFrame, type ConnectedClient } from '../support/stomp-clients.js';

@Controller()
class ReplyController {
  @MessageMapping('/only-me')
  @SendToUser('/queue/reply', { broadcast: false })
  onlyMe(@Principal() principal: StompPrincipal | undefined, @SessionId() sessionId: string) {
    return { to: 'only-me', user: principal?.name ?? null, sessionId };
  }

  @MessageMapping('/all-mine')
  @SendToUser('/queue/reply')
  allMine(@SessionId() sessionId: string) {
    return { to: 'all-mine', sessionId };
  }

  // No destination: /queue + the mapped destination → clients subscribe to /user/queue/default-reply.
  @MessageMapping('/default-reply')
  @SendToUser()
  defaultReply() {
    return { to: 'default' };
  }
}

/** A class-level @SendTo, and handlers that say where their own replies go. */
@Controller()
@SendTo('/topic/lobby')
class LobbyController {
  @MessageMapping('/lobby.say')
  say() {
    return 'hello lobby';
  }

  @MessageMapping('/lobby.both')
  @SendTo('/topic/lobby-both')
  @SendToUser('/queue/lobby-both', { broadcast: false })
  both() {
    return 'both';
  }

  @MessageMapping('/lobby.whisper')
  @SendToUser('/queue/whisper', { broadcast: false })
  whisper() {
    return 'for your eyes only';
  }

  @MessageMapping('/lobby.fail')
  fail(): never {
    throw new Error('internal detail');
  }

  @MessageExceptionHandler()
  @SendToUser('/queue/lobby-errors', { broadcast: false })
  failed(error: Error) {
    return { failed: error.message };
  }
}

@Module({
  imports: [StompModule.forRoot({ endpoint: '/ws', authenticate: ({ login }) => (login ? { name: login } : undefined) })],
  controllers: [ReplyController, LobbyController],
})
class UsersModule {}

describe('parity: users and user destinations', () => {
  let server: RunningApp;
  let url: string;
  let alice1: ConnectedClient;
  let alice2: ConnectedClient;
  let bob: ConnectedClient;

  beforeAll(async () => {
    server = await startApp(UsersModule);
    url = `${server.wsUrl}/ws`;
    alice1 = await connectWithFrame(url, { login: 'alice' });
    alice2 = await connectWithFrame(url, { login: 'alice' });
    bob = await connectWithFrame(url, { login: 'bob' });
  });

  afterAll(async () => {
    await deactivateAll(alice1.client, alice2.client, bob.client);
    await server.close();
  });

  /** Resolves when the server has ended the session `sessionId`. */
  function disconnected(sessionId: string): Promise<unknown> {
    return firstValueFrom(server.app.get(StompEvents).ofType('disconnect').pipe(filter((e) => e.session.id === sessionId)));
  }

  it('CONNECTED carries user-name for an authenticated session, none for an anonymous one', async () => {
    expect(alice1.connected.headers['user-name']).toBe('alice');
    expect(bob.connected.headers['user-name']).toBe('bob');
    const anonymous = await connectWithFrame(url);
    try {
      expect(anonymous.connected.headers['user-name']).toBeUndefined();
      expect(anonymous.sessionId).toEqual(expect.any(String));
    } finally {
      await deactivateAll(anonymous.client);
    }
  });

  it('convertAndSendToUser reaches every session of the user, shown as /user/queue/notes; nobody else', async () => {
    const a1 = await subscribeConfirmed(alice1.client, '/user/queue/notes');
    const a2 = await subscribeConfirmed(alice2.client, '/user/queue/notes');
    const b = await subscribeConfirmed(bob.client, '/user/queue/notes');
    await server.app.get(SimpMessagingTemplate).convertAndSendToUser('alice', '/queue/notes', { note: 1 }, { 'x-kind': 'memo' });
    for (const inbox of [a1, a2]) {
      const [message] = await inbox.waitFor(1);
      expect(message!.headers.destination).toBe('/user/queue/notes');
      expect(message!.headers['x-kind']).toBe('memo');
      expect(JSON.parse(message!.body)).toEqual({ note: 1 });
    }
    await barrier(bob.client);
    expect(b.items).toHaveLength(0);
  });

  it("@SendToUser(broadcast: false) answers only the sending session; broadcast: true every session of the user", async () => {
    const a1 = await subscribeConfirmed(alice1.client, '/user/queue/reply');
    const a2 = await subscribeConfirmed(alice2.client, '/user/queue/reply');
    const b = await subscribeConfirmed(bob.client, '/user/queue/reply');

    await publishConfirmed(alice1.client, '/app/only-me', '{}');
    expect(bodies(a1.items)).toEqual([{ to: 'only-me', user: 'alice', sessionId: alice1.sessionId }]);
    await barrier(alice2.client);
    expect(a2.items).toHaveLength(0);

    await publishConfirmed(alice1.client, '/app/all-mine', '{}');
    expect(bodies(a1.items).at(-1)).toEqual({ to: 'all-mine', sessionId: alice1.sessionId });
    expect(bodies(await a2.waitFor(1))).toEqual([{ to: 'all-mine', sessionId: alice1.sessionId }]);
    expect(a2.items[0]!.headers.destination).toBe('/user/queue/reply');
    await barrier(bob.client);
    expect(b.items).toHaveLength(0);
  });

  it('@SendToUser() without a destination uses /queue + the mapped destination', async () => {
    const inbox = await subscribeConfirmed(bob.client, '/user/queue/default-reply');
    await publishConfirmed(bob.client, '/app/default-reply', '{}');
    expect(bodies(inbox.items)).toEqual([{ to: 'default' }]);
    expect(inbox.items[0]!.headers.destination).toBe('/user/queue/default-reply');
  });

  it('an anonymous sender gets a broadcasting @SendToUser reply on its own session only', async () => {
    const anon1 = await connectWithFrame(url);
    const anon2 = await connectWithFrame(url);
    try {
      const i1 = await subscribeConfirmed(anon1.client, '/user/queue/reply');
      const i2 = await subscribeConfirmed(anon2.client, '/user/queue/reply');
      await publishConfirmed(anon1.client, '/app/all-mine', '{}');
      expect(bodies(i1.items)).toEqual([{ to: 'all-mine', sessionId: anon1.sessionId }]);
      await publishConfirmed(anon1.client, '/app/only-me', '{}');
      expect(bodies(i1.items).at(-1)).toEqual({ to: 'only-me', user: null, sessionId: anon1.sessionId });
      await barrier(anon2.client);
      expect(i2.items).toHaveLength(0);
    } finally {
      await deactivateAll(anon1.client, anon2.client);
    }
  });

  it('convertAndSendToSession reaches one session only, anonymous ones too', async () => {
    const anon = await connectWithFrame(url);
    try {
      const a1 = await subscribeConfirmed(alice1.client, '/user/queue/direct');
      const a2 = await subscribeConfirmed(alice2.client, '/user/queue/direct');
      const an = await subscribeConfirmed(anon.client, '/user/queue/direct');
      const template = server.app.get(SimpMessagingTemplate);
      await template.convertAndSendToSession(alice2.sessionId, '/queue/direct', 'for alice2');
      await template.convertAndSendToSession(anon.sessionId, '/queue/direct', 'for anon');
      expect((await a2.waitFor(1)).map((m) => m.body)).toEqual(['for alice2']);
      expect((await an.waitFor(1)).map((m) => m.body)).toEqual(['for anon']);
      expect(an.items[0]!.headers.destination).toBe('/user/queue/direct');
      await barrier(alice1.client);
      expect(a1.items).toHaveLength(0);
      // An anonymous session is its own user: its id is its user name.
      await template.convertAndSendToUser(anon.sessionId, '/queue/direct', 'by name');
      expect((await an.waitFor(2)).map((m) => m.body)).toEqual(['for anon', 'by name']);
    } finally {
      await deactivateAll(anon.client);
    }
  });

  it('a client SEND to /user/bob/queue/notes reaches bob, as /user/queue/notes', async () => {
    const b = await subscribeConfirmed(bob.client, '/user/queue/from-peers');
    await publishConfirmed(alice1.client, '/user/bob/queue/from-peers', 'hi bob', { 'content-type': 'text/plain', 'x-from': 'alice' });
    const [message] = await b.waitFor(1);
    expect(message!.body).toBe('hi bob');
    expect(message!.headers.destination).toBe('/user/queue/from-peers');
    expect(message!.headers['x-from']).toBe('alice');
  });

  it('SimpUserRegistry lists users, their sessions and subscriptions, and drops them on disconnect', async () => {
    const carol1 = await connectWithFrame(url, { login: 'carol' });
    const carol2 = await connectWithFrame(url, { login: 'carol' });
    const registry = server.app.get(SimpUserRegistry);
    try {
      await subscribeConfirmed(carol1.client, '/user/queue/carol-notes', { id: 'c1-notes' });
      await subscribeConfirmed(carol2.client, '/topic/carol-news', { id: 'c2-news' });
      const carol = registry.getUser('carol')!;
      expect(carol.name).toBe('carol');
      expect(carol.principal).toEqual({ name: 'carol' });
      expect(carol.sessions.map((s) => s.id).sort()).toEqual([carol1.sessionId, carol2.sessionId].sort());
      const bySession = Object.fromEntries(carol.sessions.map((s) => [s.id, s.subscriptions]));
      expect(bySession[carol1.sessionId]).toEqual([{ id: 'c1-notes', destination: '/user/queue/carol-notes', sessionId: carol1.sessionId, userName: 'carol' }]);
      expect(bySession[carol2.sessionId]).toEqual([{ id: 'c2-news', destination: '/topic/carol-news', sessionId: carol2.sessionId, userName: 'carol' }]);
      expect(registry.getUsers().map((u) => u.name).sort()).toEqual(['alice', 'bob', 'carol']);
      expect(registry.userCount).toBe(3);
      expect(registry.getUser('alice')!.sessions).toHaveLength(2);
      expect(registry.findSubscriptions((s) => s.destination === '/topic/carol-news').map((s) => s.id)).toEqual(['c2-news']);

      let gone = disconnected(carol1.sessionId);
      await carol1.client.deactivate();
      await gone;
      expect(registry.getUser('carol')!.sessions.map((s) => s.id)).toEqual([carol2.sessionId]);

      gone = disconnected(carol2.sessionId);
      await carol2.client.deactivate();
      await gone;
      expect(registry.getUser('carol')).toBeUndefined();
      expect(registry.userCount).toBe(2);
    } finally {
      await deactivateAll(carol1.client, carol2.client);
    }
  });

  describe('a class-level @SendTo', () => {
    it("applies to handlers without reply annotations; with method @SendTo and @SendToUser, @SendToUser wins (Spring's order)", async () => {
      const lobby = await subscribeConfirmed(bob.client, '/topic/lobby');
      const both = await subscribeConfirmed(bob.client, '/topic/lobby-both');
      const mine = await subscribeConfirmed(bob.client, '/user/queue/lobby-both');
      await publishConfirmed(bob.client, '/app/lobby.say', '{}');
      await publishConfirmed(bob.client, '/app/lobby.both', '{}');
      await barrier(bob.client);
      expect(lobby.items.map((m) => m.body)).toEqual(['hello lobby']);
      expect(both.items).toHaveLength(0);
      expect(mine.items.map((m) => m.body)).toEqual(['both']);
    });

    // Spring uses one annotation: the method's own @SendToUser beats the class-level @SendTo.
    it("does not broadcast the reply of a handler with its own @SendToUser", async () => {
      const lobby = await subscribeConfirmed(alice2.client, '/topic/lobby');
      const whisper = await subscribeConfirmed(alice1.client, '/user/queue/whisper');
      await publishConfirmed(alice1.client, '/app/lobby.whisper', '{}');
      expect(whisper.items.map((m) => m.body)).toEqual(['for your eyes only']);
      await barrier(alice2.client);
      expect(lobby.items).toHaveLength(0);
    });

    // The same for a @MessageExceptionHandler with its own @SendToUser.
    it("does not broadcast the reply of a @MessageExceptionHandler with its own @SendToUser", async () => {
      const lobby = await subscribeConfirmed(alice2.client, '/topic/lobby');
      const errors = await subscribeConfirmed(alice1.client, '/user/queue/lobby-errors');
      await publishConfirmed(alice1.client, '/app/lobby.fail', '{}');
      expect(bodies(errors.items)).toEqual([{ failed: 'internal detail' }]);
      await barrier(alice2.client);
      expect(lobby.items).toHaveLength(0);
    });
  });

  describe('security: nobody reads another session\'s user queue', () => {
    it("SUBSCRIBE to alice's resolved queue /queue/notes-user{sessionId} is refused with an ERROR", async () => {
      const mallory = await RawStompClient.connect(url, { login: 'mallory' });
      const destination = `/queue/notes-user${alice1.sessionId}`;
      mallory.send('SUBSCRIBE', { id: 'steal', destination, receipt: 'r-steal' });
      await expectRefusal(mallory, {
        message: `SUBSCRIBE to '${destination}' is refused: it is a session's private user queue; use '/user/...' destinations instead`,
        receiptId: 'r-steal',
      });
    });

    it("SEND to alice's resolved queue is refused with an ERROR, and alice gets nothing", async () => {
      const a1 = await subscribeConfirmed(alice1.client, '/user/queue/spoof');
      const mallory = await RawStompClient.connect(url, { login: 'mallory' });
      const destination = `/queue/spoof-user${alice1.sessionId}`;
      mallory.send('SEND', { destination, receipt: 'r-spoof', 'content-type': 'text/plain' }, 'fake');
      await expectRefusal(mallory, {
        message: `SEND to '${destination}' is refused: it is a session's private user queue; use '/user/...' destinations instead`,
        receiptId: 'r-spoof',
      });
      await barrier(alice1.client);
      expect(a1.items).toHaveLength(0);
    });

    it("a pattern subscription /queue/** gets plain /queue messages but nothing of alice's user messages", async () => {
      const a1 = await subscribeConfirmed(alice1.client, '/user/queue/secret');
      const mallory = await RawStompClient.connect(url, { login: 'mallory' });
      try {
        await subscribe(mallory, '/queue/**', 'all-queues');
        await subscribe(mallory, '/queue/secret*', 'prefix');
        const template = server.app.get(SimpMessagingTemplate);
        await template.convertAndSendToUser('alice', '/queue/secret', 'to alice by template');
        await publishConfirmed(bob.client, '/user/alice/queue/secret', 'to alice by bob', { 'content-type': 'text/plain' });
        await template.convertAndSendToSession(alice1.sessionId, '/queue/secret', 'to alice1 by session');
        expect((await a1.waitFor(3)).map((m) => m.body)).toEqual(['to alice by template', 'to alice by bob', 'to alice1 by session']);

        // Control: a plain /queue message does match mallory's pattern.
        await publish(mallory, '/queue/x', 'plain');
        const [plain] = await waitMessages(mallory, 1);
        expect(plain!.text).toBe('plain');
        expect(messagesOf(mallory).map((m) => m.text)).toEqual(['plain']);
      } finally {
        await closeAll(mallory);
      }
    });
  });
});
