import { Controller, Module } from '@nestjs/common';
import { firstValueFrom, filter } from 'rxjs';
import { MessageExceptionHandler, MessageMapping, Principal, SendTo, SendToUser, SessionId, SimpMessagingTemplate, SimpUserRegistry, StompEvents, StompModule, type StompPrincipal } from 'nest-stomp';
import { startApp, type RunningApp } from '../support/apps.js';
import { RawStompClient } from '../support/raw-stomp-client.js';
import { closeAll, expectRefusal, messagesOf, publish, subscribe, waitMessages } from '../support/raw-frames.js';
import { createStompTestClient, type StompTestClient, type StompTestSubscription } from 'nest-stomp/testing';

/** The JSON bodies of every message a subscription received so far. */
const bodies = (subscription: StompTestSubscription): unknown[] => subscription.messages.map((message) => message.json());
/** The text bodies of every message a subscription received so far. */
const texts = (subscription: StompTestSubscription): string[] => subscription.messages.map((message) => message.text);

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
  let alice1: StompTestClient;
  let alice2: StompTestClient;
  let bob: StompTestClient;
  const sessionOf = (client: StompTestClient) => client.connection.session!;
  const connect = (login?: string) => createStompTestClient(url, { timeout: 10_000 }).connect({ login });

  beforeAll(async () => {
    server = await startApp(UsersModule);
    url = `${server.wsUrl}/ws`;
    alice1 = await connect('alice');
    alice2 = await connect('alice');
    bob = await connect('bob');
  });

  afterAll(async () => {
    await Promise.all([alice1, alice2, bob].map((client) => client?.disconnect()));
    await server.close();
  });

  /** Resolves when the server has ended the session `sessionId`. */
  function disconnected(sessionId: string): Promise<unknown> {
    return firstValueFrom(server.app.get(StompEvents).ofType('disconnect').pipe(filter((e) => e.session.id === sessionId)));
  }

  it('CONNECTED carries user-name for an authenticated session, none for an anonymous one', async () => {
    expect(alice1.connection.headers['user-name']).toBe('alice');
    expect(bob.connection.headers['user-name']).toBe('bob');
    const anonymous = await connect();
    try {
      expect(anonymous.connection.headers['user-name']).toBeUndefined();
      expect(anonymous.connection.session).toEqual(expect.any(String));
    } finally {
      await anonymous.disconnect();
    }
  });

  it('convertAndSendToUser reaches every session of the user, shown as /user/queue/notes; nobody else', async () => {
    const a1 = await alice1.subscribe('/user/queue/notes');
    const a2 = await alice2.subscribe('/user/queue/notes');
    const b = await bob.subscribe('/user/queue/notes');
    await server.app.get(SimpMessagingTemplate).convertAndSendToUser('alice', '/queue/notes', { note: 1 }, { 'x-kind': 'memo' });
    for (const inbox of [a1, a2]) {
      const message = await inbox.next();
      expect(message.destination).toBe('/user/queue/notes');
      expect(message.headers['x-kind']).toBe('memo');
      expect(message.json()).toEqual({ note: 1 });
    }
    await b.expectNothing();
  });

  it("@SendToUser(broadcast: false) answers only the sending session; broadcast: true every session of the user", async () => {
    const a1 = await alice1.subscribe('/user/queue/reply');
    const a2 = await alice2.subscribe('/user/queue/reply');
    const b = await bob.subscribe('/user/queue/reply');

    await alice1.send('/app/only-me', {});
    expect(bodies(a1)).toEqual([{ to: 'only-me', user: 'alice', sessionId: sessionOf(alice1) }]);
    await a2.expectNothing();

    await alice1.send('/app/all-mine', {});
    expect(bodies(a1).at(-1)).toEqual({ to: 'all-mine', sessionId: sessionOf(alice1) });
    const mine = await a2.next();
    expect(mine.json()).toEqual({ to: 'all-mine', sessionId: sessionOf(alice1) });
    expect(mine.destination).toBe('/user/queue/reply');
    await b.expectNothing();
  });

  it('@SendToUser() without a destination uses /queue + the mapped destination', async () => {
    const inbox = await bob.subscribe('/user/queue/default-reply');
    await bob.send('/app/default-reply', {});
    expect(bodies(inbox)).toEqual([{ to: 'default' }]);
    expect(inbox.messages[0]!.destination).toBe('/user/queue/default-reply');
  });

  it('an anonymous sender gets a broadcasting @SendToUser reply on its own session only', async () => {
    const anon1 = await connect();
    const anon2 = await connect();
    try {
      const i1 = await anon1.subscribe('/user/queue/reply');
      const i2 = await anon2.subscribe('/user/queue/reply');
      await anon1.send('/app/all-mine', {});
      expect(bodies(i1)).toEqual([{ to: 'all-mine', sessionId: sessionOf(anon1) }]);
      await anon1.send('/app/only-me', {});
      expect(bodies(i1).at(-1)).toEqual({ to: 'only-me', user: null, sessionId: sessionOf(anon1) });
      await i2.expectNothing();
    } finally {
      await Promise.all([anon1.disconnect(), anon2.disconnect()]);
    }
  });

  it('convertAndSendToSession reaches one session only, anonymous ones too', async () => {
    const anon = await connect();
    try {
      const a1 = await alice1.subscribe('/user/queue/direct');
      const a2 = await alice2.subscribe('/user/queue/direct');
      const an = await anon.subscribe('/user/queue/direct');
      const template = server.app.get(SimpMessagingTemplate);
      await template.convertAndSendToSession(sessionOf(alice2), '/queue/direct', 'for alice2');
      await template.convertAndSendToSession(sessionOf(anon), '/queue/direct', 'for anon');
      expect((await a2.next()).text).toBe('for alice2');
      const forAnon = await an.next();
      expect(forAnon.text).toBe('for anon');
      expect(forAnon.destination).toBe('/user/queue/direct');
      await a1.expectNothing();
      // An anonymous session is its own user: its id is its user name.
      await template.convertAndSendToUser(sessionOf(anon), '/queue/direct', 'by name');
      expect((await an.next()).text).toBe('by name');
      expect(texts(an)).toEqual(['for anon', 'by name']);
    } finally {
      await anon.disconnect();
    }
  });

  it('a client SEND to /user/bob/queue/notes reaches bob, as /user/queue/notes', async () => {
    const b = await bob.subscribe('/user/queue/from-peers');
    await alice1.send('/user/bob/queue/from-peers', 'hi bob', { 'content-type': 'text/plain', 'x-from': 'alice' });
    const message = await b.next();
    expect(message.text).toBe('hi bob');
    expect(message.destination).toBe('/user/queue/from-peers');
    expect(message.headers['x-from']).toBe('alice');
  });

  it('SimpUserRegistry lists users, their sessions and subscriptions, and drops them on disconnect', async () => {
    const carol1 = await connect('carol');
    const carol2 = await connect('carol');
    const registry = server.app.get(SimpUserRegistry);
    try {
      await carol1.subscribe('/user/queue/carol-notes', { id: 'c1-notes' });
      await carol2.subscribe('/topic/carol-news', { id: 'c2-news' });
      const carol = registry.getUser('carol')!;
      expect(carol.name).toBe('carol');
      expect(carol.principal).toEqual({ name: 'carol' });
      expect(carol.sessions.map((s) => s.id).sort()).toEqual([sessionOf(carol1), sessionOf(carol2)].sort());
      const bySession = Object.fromEntries(carol.sessions.map((s) => [s.id, s.subscriptions]));
      expect(bySession[sessionOf(carol1)]).toEqual([{ id: 'c1-notes', destination: '/user/queue/carol-notes', sessionId: sessionOf(carol1), userName: 'carol' }]);
      expect(bySession[sessionOf(carol2)]).toEqual([{ id: 'c2-news', destination: '/topic/carol-news', sessionId: sessionOf(carol2), userName: 'carol' }]);
      expect(registry.getUsers().map((u) => u.name).sort()).toEqual(['alice', 'bob', 'carol']);
      expect(registry.userCount).toBe(3);
      expect(registry.getUser('alice')!.sessions).toHaveLength(2);
      expect(registry.findSubscriptions((s) => s.destination === '/topic/carol-news').map((s) => s.id)).toEqual(['c2-news']);

      let gone = disconnected(sessionOf(carol1));
      await carol1.disconnect();
      await gone;
      expect(registry.getUser('carol')!.sessions.map((s) => s.id)).toEqual([sessionOf(carol2)]);

      gone = disconnected(sessionOf(carol2));
      await carol2.disconnect();
      await gone;
      expect(registry.getUser('carol')).toBeUndefined();
      expect(registry.userCount).toBe(2);
    } finally {
      await Promise.all([carol1.disconnect(), carol2.disconnect()]);
    }
  });

  describe('a class-level @SendTo', () => {
    it("applies to handlers without reply annotations; with method @SendTo and @SendToUser, @SendToUser wins (Spring's order)", async () => {
      const lobby = await bob.subscribe('/topic/lobby');
      const both = await bob.subscribe('/topic/lobby-both');
      const mine = await bob.subscribe('/user/queue/lobby-both');
      await bob.send('/app/lobby.say', {});
      await bob.send('/app/lobby.both', {});
      await bob.sync();
      expect(texts(lobby)).toEqual(['hello lobby']);
      expect(both.messages).toHaveLength(0);
      expect(texts(mine)).toEqual(['both']);
    });

    // Spring uses one annotation: the method's own @SendToUser beats the class-level @SendTo.
    it("does not broadcast the reply of a handler with its own @SendToUser", async () => {
      const lobby = await alice2.subscribe('/topic/lobby');
      const whisper = await alice1.subscribe('/user/queue/whisper');
      await alice1.send('/app/lobby.whisper', {});
      expect(texts(whisper)).toEqual(['for your eyes only']);
      await lobby.expectNothing();
    });

    // The same for a @MessageExceptionHandler with its own @SendToUser.
    it("does not broadcast the reply of a @MessageExceptionHandler with its own @SendToUser", async () => {
      const lobby = await alice2.subscribe('/topic/lobby');
      const errors = await alice1.subscribe('/user/queue/lobby-errors');
      await alice1.send('/app/lobby.fail', {});
      expect(bodies(errors)).toEqual([{ failed: 'internal detail' }]);
      await lobby.expectNothing();
    });
  });

  // Mallory speaks raw frames: these are protocol refusals (ERROR, then the close).
  describe('security: nobody reads another session\'s user queue', () => {
    it("SUBSCRIBE to alice's resolved queue /queue/notes-user{sessionId} is refused with an ERROR", async () => {
      const mallory = await RawStompClient.connect(url, { login: 'mallory' });
      const destination = `/queue/notes-user${sessionOf(alice1)}`;
      mallory.send('SUBSCRIBE', { id: 'steal', destination, receipt: 'r-steal' });
      await expectRefusal(mallory, {
        message: `SUBSCRIBE to '${destination}' is refused: it is a session's private user queue; use '/user/...' destinations instead`,
        receiptId: 'r-steal',
      });
    });

    it("SEND to alice's resolved queue is refused with an ERROR, and alice gets nothing", async () => {
      const a1 = await alice1.subscribe('/user/queue/spoof');
      const mallory = await RawStompClient.connect(url, { login: 'mallory' });
      const destination = `/queue/spoof-user${sessionOf(alice1)}`;
      mallory.send('SEND', { destination, receipt: 'r-spoof', 'content-type': 'text/plain' }, 'fake');
      await expectRefusal(mallory, {
        message: `SEND to '${destination}' is refused: it is a session's private user queue; use '/user/...' destinations instead`,
        receiptId: 'r-spoof',
      });
      await a1.expectNothing();
    });

    it("a pattern subscription /topic/** and a subscription to /queue/secret get plain messages but nothing of alice's user messages", async () => {
      const a1 = await alice1.subscribe('/user/queue/secret');
      const mallory = await RawStompClient.connect(url, { login: 'mallory' });
      try {
        // '/queue/**' itself is refused: /queue destinations are point-to-point queues, consumed by name.
        await subscribe(mallory, '/topic/**', 'every-topic');
        await subscribe(mallory, '/queue/secret', 'the-queue');
        const template = server.app.get(SimpMessagingTemplate);
        await template.convertAndSendToUser('alice', '/queue/secret', 'to alice by template');
        await bob.send('/user/alice/queue/secret', 'to alice by bob', { 'content-type': 'text/plain' });
        await template.convertAndSendToSession(sessionOf(alice1), '/queue/secret', 'to alice1 by session');
        for (let i = 0; i < 3; i++) await a1.next();
        expect(texts(a1)).toEqual(['to alice by template', 'to alice by bob', 'to alice1 by session']);

        // Control: plain messages do reach mallory's subscriptions.
        await publish(mallory, '/topic/x', 'plain topic');
        await publish(mallory, '/queue/secret', 'plain queue');
        await waitMessages(mallory, 2);
        expect(messagesOf(mallory).map((m) => m.text)).toEqual(['plain topic', 'plain queue']);
      } finally {
        await closeAll(mallory);
      }
    });
  });
});
