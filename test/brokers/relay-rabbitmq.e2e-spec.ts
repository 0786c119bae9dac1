import { jest } from '@jest/globals';
import type { Client, IFrame } from '@stomp/stompjs';
import { firstValueFrom, filter } from 'rxjs';
import { Module } from '@nestjs/common';
import { SimpMessagingTemplate, SimpUserRegistry, StompEvents, StompModule } from 'nest-stomp';
import { brokerAvailable, startApp, type AppFixture } from '../support/apps.js';
import { rabbitMqStompAvailable, startRabbitMq, stopRabbitMq } from '../support/rabbitmq.js';
import { RawStompClient } from '../support/raw-stomp-client.js';
import { connectStompClient, deactivateAll, publishConfirmed, subscribeConfirmed } from '../support/stomp-clients.js';
import { useTwoChatInstances } from '../support/two-instances.js';

const describeWithRabbitMq = (await rabbitMqStompAvailable()) ? describe : describe.skip;

jest.setTimeout(90_000);

@Module({
  imports: [StompModule.forRoot({ endpoint: '/ws', heartbeat: [100, 100], broker: { kind: 'relay', heartbeat: [100, 100] } })],
})
class HeartbeatRelayModule {}

/** The first address answers nothing: the relay must fail over to the second. */
@Module({
  imports: [
    StompModule.forRoot({
      endpoint: '/ws',
      broker: { kind: 'relay', addresses: [{ host: '127.0.0.1', port: 1 }, { host: '127.0.0.1', port: 61613 }], connectTimeout: 2000 },
    }),
  ],
})
class FailoverRelayModule {}

describeWithRabbitMq('STOMP broker relay to RabbitMQ, two instances', () => {
  const { a, b, client } = useTwoChatInstances({ STOMP_BROKER: 'relay', STOMP_RECONNECT_MS: '200' });

  it('delivers to a client on instance A what a client on instance B sent, directly and through a handler', async () => {
    const onA = await client(a);
    const onB = await client(b);
    const news = await subscribeConfirmed(onA, '/topic/news.relay');
    const chat = await subscribeConfirmed(onA, '/topic/messages');

    await publishConfirmed(onB, '/topic/news.relay', 'from B', { 'content-type': 'text/plain', 'x-origin': 'b' });
    await publishConfirmed(onB, '/app/chat.send', JSON.stringify({ sender: 'bob', content: 'via the handler on B' }));

    const [direct] = await news.waitFor(1);
    expect(direct!.body).toBe('from B');
    expect(direct!.headers['x-origin']).toBe('b');
    expect(direct!.headers.destination).toBe('/topic/news.relay');
    expect(JSON.parse((await chat.waitFor(1))[0]!.body)).toEqual({ sender: 'bob', content: 'via the handler on B' });
  });

  it("reaches a user's session on the other instance: convertAndSendToUser and private messages", async () => {
    const bobOnB = await client(b, 'bob');
    const inbox = await subscribeConfirmed(bobOnB, '/user/queue/private');
    const aliceOnA = await client(a, 'alice');

    await a.app.get(SimpMessagingTemplate).convertAndSendToUser('bob', '/queue/private', { from: 'server', to: 'bob', content: 'hi from A' });
    expect(JSON.parse((await inbox.waitFor(1))[0]!.body)).toEqual({ from: 'server', to: 'bob', content: 'hi from A' });

    // A's registry knows bob (connected to B), so the chat lets alice write to him.
    // A learns of B's users from B's registry snapshot, shared within moments of bob connecting.
    await knownOn(a, 'bob');
    await publishConfirmed(aliceOnA, '/app/chat.private', JSON.stringify({ to: 'bob', content: 'across instances' }));
    const [, whisper] = await inbox.waitFor(2);
    expect(JSON.parse(whisper!.body)).toEqual({ from: 'alice', to: 'bob', content: 'across instances' });
    expect(whisper!.headers.destination).toBe('/user/queue/private');
  });

  it('keeps a client that only talks to /app alive at the broker: its broker connection heart-beats by itself', async () => {
    // Broker heart-beats every 100 ms: RabbitMQ drops a connection silent for a few of those.
    const relay = await startApp(HeartbeatRelayModule);
    const raw = await RawStompClient.open(`${relay.wsUrl}/ws`);
    try {
      // The client sends nothing after CONNECT but asks for the server's heart-beats: they are our clock.
      raw.send('CONNECT', { 'accept-version': '1.2', 'heart-beat': '0,100' });
      await raw.nextFrame('CONNECTED');
      await raw.until(() => raw.heartbeats >= 10, 'ten heart-beats (a second) from the server');
      // Its broker connection is still there: a SUBSCRIBE and a SEND through it round-trip.
      raw.send('SUBSCRIBE', { id: 'alive', destination: '/topic/alive.check', receipt: 's' });
      await raw.nextFrame('RECEIPT');
      raw.send('SEND', { destination: '/topic/alive.check', 'content-type': 'text/plain' }, 'still here');
      expect((await raw.nextFrame('MESSAGE')).text).toBe('still here');
      expect(raw.frames.some((f) => f.command === 'ERROR')).toBe(false);
    } finally {
      await raw.disconnect();
      await relay.close();
    }
  });

  it('keeps a session that UNSUBSCRIBEs from /app and /user subscriptions (the broker never saw them)', async () => {
    const raw = await RawStompClient.connect(`${a.wsUrl}/portfolio`, { login: 'carol' });
    try {
      raw.send('SUBSCRIBE', { id: 'rooms', destination: '/app/rooms' });
      await raw.nextFrame('MESSAGE');
      raw.send('SUBSCRIBE', { id: 'mine', destination: '/user/queue/private', receipt: 's' });
      await raw.nextFrame('RECEIPT');
      raw.send('UNSUBSCRIBE', { id: 'rooms' });
      raw.send('UNSUBSCRIBE', { id: 'mine', receipt: 'u' });
      await raw.nextFrame('RECEIPT');
      expect(raw.frames.some((f) => f.command === 'ERROR')).toBe(false);
    } finally {
      await raw.disconnect();
    }
  });

  it('pipelines SENDs without a receipt to RabbitMQ, in order, and a last receipt confirms them all', async () => {
    const reader = await RawStompClient.connect(`${a.wsUrl}/portfolio`, { login: 'reader' });
    const writer = await RawStompClient.connect(`${b.wsUrl}/portfolio`, { login: 'writer' });
    try {
      reader.send('SUBSCRIBE', { id: 'in-order', destination: '/topic/pipeline.order', receipt: 's' });
      await reader.nextFrame('RECEIPT');
      const count = 500;
      for (let i = 0; i < count - 1; i++) writer.send('SEND', { destination: '/topic/pipeline.order', 'content-type': 'text/plain' }, String(i));
      writer.send('SEND', { destination: '/topic/pipeline.order', 'content-type': 'text/plain', receipt: 'all' }, String(count - 1));
      await writer.nextFrame('RECEIPT');
      await reader.until(() => reader.frames.filter((f) => f.command === 'MESSAGE').length >= count, `${count} MESSAGEs`);
      const bodies = reader.frames.filter((f) => f.command === 'MESSAGE').map((f) => f.text);
      expect(bodies).toEqual(Array.from({ length: count }, (_, i) => String(i)));
    } finally {
      await reader.disconnect();
      await writer.disconnect();
    }
  });

  it('keeps the channel between instances out of clients\' reach', async () => {
    const spy = await RawStompClient.connect(`${a.wsUrl}/portfolio`);
    const bob = await client(b, 'bob');
    const inbox = await subscribeConfirmed(bob, '/user/queue/private');
    try {
      spy.send('SUBSCRIBE', { id: 'spy', destination: '/topic/nest-stomp.cluster', receipt: 's' });
      await spy.nextFrame('RECEIPT');
      await a.app.get(SimpMessagingTemplate).convertAndSendToUser('bob', '/queue/private', { secret: 'for bob' });
      await inbox.waitFor(1);
      // The user message crossed between the instances; the spy, on the same broker, saw none of it.
      spy.send('SEND', { destination: '/topic/nest-stomp.cluster.after', receipt: 'barrier' }, 'x');
      await spy.nextFrame('RECEIPT');
      expect(spy.frames.filter((f) => f.command === 'MESSAGE')).toHaveLength(0);
    } finally {
      await spy.disconnect();
    }
  });

  it('fails over to the next broker address when one cannot be reached', async () => {
    const relay = await startApp(FailoverRelayModule);
    const clients: Client[] = [];
    try {
      await brokerAvailable(relay.app);
      const c = await connectStompClient(`${relay.wsUrl}/ws`);
      clients.push(c);
      const inbox = await subscribeConfirmed(c, '/topic/failover.check');
      await publishConfirmed(c, '/topic/failover.check', 'through the second address', { 'content-type': 'text/plain' });
      expect((await inbox.waitFor(1))[0]!.body).toBe('through the second address');
    } finally {
      await deactivateAll(...clients.splice(0));
      await relay.close();
    }
  });

  it('survives a broker restart: clients are told, sends fail loudly, and the relay recovers by itself', async () => {
    const onA = await client(a);
    const errors: IFrame[] = [];
    onA.onStompError = (frame) => errors.push(frame);
    const lost = new Promise<void>((resolve) => (onA.onWebSocketClose = () => resolve()));
    const down = brokerAvailable(a.app, false);
    const unavailableEvent = firstValueFrom(a.app.get(StompEvents).ofType('broker-availability').pipe(filter((e) => !e.available)));

    await stopRabbitMq();
    try {
      await down;
      await unavailableEvent;
      await lost;
      expect(errors.map((f) => f.headers.message)).toEqual([expect.stringMatching(/^Lost the connection to the message broker/)]);

      await expect(a.app.get(SimpMessagingTemplate).convertAndSend('/topic/news.relay', 'while down')).rejects.toThrow(/message broker is unavailable/);
      const refused = await RawStompClient.open(`${a.wsUrl}/portfolio`);
      refused.send('CONNECT', { 'accept-version': '1.2' });
      const error = await refused.nextFrame('ERROR');
      expect(error.headers.message).toMatch(/^CONNECT refused: The message broker is unavailable \(127\.0\.0\.1:61613 cannot be reached\)/);
      await refused.waitClosed();
    } finally {
      await startRabbitMq();
    }

    await brokerAvailable(a.app);
    await brokerAvailable(b.app);
    const again = await client(a);
    const onB = await client(b);
    const inbox = await subscribeConfirmed(again, '/topic/news.relay');
    await publishConfirmed(onB, '/topic/news.relay', 'after the restart', { 'content-type': 'text/plain' });
    expect((await inbox.waitFor(1))[0]!.body).toBe('after the restart');
  });
});

/** Resolves once the instance's user registry lists `name` (possibly connected to another instance). */
async function knownOn(app: AppFixture, name: string): Promise<void> {
  const registry = app.app.get(SimpUserRegistry);
  if (registry.getUser(name)) return;
  await firstValueFrom(registry.changes$.pipe(filter(() => registry.getUser(name) !== undefined)));
}
