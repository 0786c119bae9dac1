import { Module } from '@nestjs/common';
import type { Client } from '@stomp/stompjs';
import { firstValueFrom, filter, take, toArray } from 'rxjs';
import { SimpleBroker, STOMP_BROKER, StompEvents, StompModule, StompSessionRegistry } from 'nest-stomp';
import { startApp, type RunningApp } from '../support/apps.js';
import { RawStompClient } from '../support/raw-stomp-client.js';
import { connectStompClient, deactivateAll, publishConfirmed, subscribeConfirmed } from '../support/stomp-clients.js';

@Module({ imports: [StompModule.forRoot({ endpoint: '/ws' })] })
class SlashBrokerModule {}

@Module({ imports: [StompModule.forRoot({ endpoint: '/ws', pathSeparator: '.' })] })
class DotBrokerModule {}

describe('embedded broker', () => {
  let server: RunningApp;
  let publisher: Client;
  let subscriber: Client;

  beforeAll(async () => {
    server = await startApp(SlashBrokerModule);
    publisher = await connectStompClient(`${server.wsUrl}/ws`);
    subscriber = await connectStompClient(`${server.wsUrl}/ws`);
  });

  afterAll(async () => {
    await deactivateAll(publisher, subscriber);
    await server.close();
  });

  it('delivers a SEND to /topic and /queue straight to subscribers, with its headers', async () => {
    const topic = await subscribeConfirmed(subscriber, '/topic/news');
    const queue = await subscribeConfirmed(subscriber, '/queue/jobs');
    await publishConfirmed(publisher, '/topic/news', 'extra!', { 'content-type': 'text/plain', 'x-priority': 'high' });
    await publishConfirmed(publisher, '/queue/jobs', '{"job":1}', { 'content-type': 'application/json' });

    const [news] = await topic.waitFor(1);
    expect(news!.body).toBe('extra!');
    expect(news!.headers).toMatchObject({
      destination: '/topic/news',
      'content-type': 'text/plain',
      'content-length': '6',
      'x-priority': 'high',
    });
    expect(news!.headers.subscription).toEqual(expect.any(String));
    expect(news!.headers['message-id']).toEqual(expect.any(String));
    expect(news!.headers.receipt).toBeUndefined();
    const [job] = await queue.waitFor(1);
    expect(JSON.parse(job!.body)).toEqual({ job: 1 });
  });

  it('matches pattern subscriptions: * within a segment, ** across segments', async () => {
    const stocks = await subscribeConfirmed(subscriber, '/topic/stocks.*');
    const all = await subscribeConfirmed(subscriber, '/topic/prices/**');
    await publishConfirmed(publisher, '/topic/stocks.ACME', '1', { 'content-type': 'text/plain' });
    await publishConfirmed(publisher, '/topic/prices/eu/ACME', '2', { 'content-type': 'text/plain' });
    await publishConfirmed(publisher, '/topic/other', '3', { 'content-type': 'text/plain' });
    await publishConfirmed(publisher, '/topic/stocks.LAST', '4', { 'content-type': 'text/plain' });
    expect((await stocks.waitFor(2)).map((m) => m.body)).toEqual(['1', '4']);
    expect((await all.waitFor(1)).map((m) => m.body)).toEqual(['2']);
  });

  it('gives every message a unique message-id and keeps publish order per session', async () => {
    const inbox = await subscribeConfirmed(subscriber, '/topic/sequence');
    const count = 2000;
    for (let i = 0; i < count; i++) publisher.publish({ destination: '/topic/sequence', body: String(i), headers: { 'content-type': 'text/plain' } });
    const messages = await inbox.waitFor(count, 20_000);
    expect(messages.map((m) => Number(m.body))).toEqual([...Array(count).keys()]);
    expect(new Set(messages.map((m) => m.headers['message-id'])).size).toBe(count);
  });

  it('stops delivering after UNSUBSCRIBE', async () => {
    const raw = await RawStompClient.connect(`${server.wsUrl}/ws`);
    try {
      raw.send('SUBSCRIBE', { id: 'u', destination: '/topic/unsub' });
      raw.send('SEND', { destination: '/topic/unsub', 'content-type': 'text/plain', receipt: 'one' }, 'one');
      await raw.nextFrame('RECEIPT');
      raw.send('UNSUBSCRIBE', { id: 'u' });
      raw.send('SEND', { destination: '/topic/unsub', 'content-type': 'text/plain', receipt: 'two' }, 'two');
      await raw.nextFrame('RECEIPT');
      expect(raw.frames.filter((f) => f.command === 'MESSAGE').map((f) => f.text)).toEqual(['one']);
    } finally {
      await raw.disconnect();
    }
  });

  it('forgets the subscriptions and the session of a client that went away, however it left', async () => {
    const broker = server.app.get<SimpleBroker>(STOMP_BROKER);
    const sessions = server.app.get(StompSessionRegistry);
    const before = { subscriptions: broker.subscriptionCount, sessions: sessions.size };

    const polite = await RawStompClient.connect(`${server.wsUrl}/ws`);
    const rude = await RawStompClient.connect(`${server.wsUrl}/ws`);
    const ids = new Set([polite, rude].map((c) => c.frames[0]!.headers.session));
    const disconnects = firstValueFrom(
      server.app.get(StompEvents).ofType('disconnect').pipe(filter((e) => ids.has(e.session.id)), take(2), toArray()),
    );
    for (const client of [polite, rude]) {
      client.send('SUBSCRIBE', { id: 'a', destination: '/topic/x' });
      client.send('SUBSCRIBE', { id: 'b', destination: '/topic/**', receipt: 'subscribed' });
      await client.nextFrame('RECEIPT');
    }
    expect(broker.subscriptionCount).toBe(before.subscriptions + 4);
    expect(sessions.size).toBe(before.sessions + 2);

    await polite.disconnect();
    rude.write('SEND\ndestination:/topic/x\n\nhalf a fra'); // killed mid-frame
    rude.terminate();
    await rude.waitClosed();
    // The server notices the dead socket on its own schedule: wait for its events, not for time.
    const reasons = (await disconnects).map((e) => [e.session.id === rude.frames[0]!.headers.session ? 'rude' : 'polite', e.reason]);
    expect(reasons.sort()).toEqual([['polite', 'client'], ['rude', 'transport']]);
    expect(sessions.size).toBe(before.sessions);
    expect(broker.subscriptionCount).toBe(before.subscriptions);
  });
});

describe('embedded broker with the "." separator', () => {
  let server: RunningApp;
  let client: Client;

  beforeAll(async () => {
    server = await startApp(DotBrokerModule);
    client = await connectStompClient(`${server.wsUrl}/ws`);
  });

  afterAll(async () => {
    await deactivateAll(client);
    await server.close();
  });

  it('matches * within one dot-separated segment only', async () => {
    const inbox = await subscribeConfirmed(client, '/topic/stocks.*');
    await publishConfirmed(client, '/topic/stocks.ACME', 'a', { 'content-type': 'text/plain' });
    await publishConfirmed(client, '/topic/stocks.ACME.eu', 'b', { 'content-type': 'text/plain' });
    await publishConfirmed(client, '/topic/stocks.XYZ', 'c', { 'content-type': 'text/plain' });
    expect((await inbox.waitFor(2)).map((m) => m.body)).toEqual(['a', 'c']);
    expect(inbox.items).toHaveLength(2);
  });
});
