import { jest } from '@jest/globals';
import { Injectable, Logger, Module } from '@nestjs/common';
import { OnStompEvent, StompModule, type DisconnectReason, type StompEvent } from 'nest-stomp';
import { startApp, type RunningApp, serverConnections } from '../support/apps.js';
import { recordEvents, sessionOf } from '../support/events.js';
import { eventually } from '../support/eventually.js';
import { RawStompClient } from '../support/raw-stomp-client.js';
import { closeAll, publish, receiptFor, subscribe, waitMessages } from '../support/raw-frames.js';
import { Recorder } from '../support/recorder.js';
import { deactivateAll, connectWithFrame } from '../support/stomp-clients.js';
import { unique } from '../support/unique.js';

/** Every lifecycle event, as a provider sees it through @OnStompEvent. */
@Injectable()
class EventLog {
  readonly events = new Recorder<StompEvent>();
  readonly availability: boolean[] = [];

  @OnStompEvent('connect', 'connected', 'subscribe', 'unsubscribe', 'disconnect')
  onSessionEvent(event: StompEvent): void {
    this.events.push(event);
  }

  @OnStompEvent('broker-availability')
  onBroker(event: StompEvent): void {
    if (event.type === 'broker-availability') this.availability.push(event.available);
  }

  /** A broken listener: it must be logged and must not affect the session. */
  @OnStompEvent('connected', 'subscribe')
  explode(event: StompEvent): void {
    throw new Error(`listener exploded on ${event.type}`);
  }

  @OnStompEvent('subscribe')
  async rejectLater(): Promise<void> {
    await Promise.resolve();
    throw new Error('async listener rejected');
  }
}

@Module({ imports: [StompModule.forRoot({ endpoint: '/ws' })], providers: [EventLog] })
class EventsModule {}

/** `[type, detail]` of one session's events: the destination of (un)subscribes, the reason of a disconnect. */
function summary(events: readonly StompEvent[], sessionId: string): Array<[string, string | undefined]> {
  return events
    .filter((e) => sessionOf(e) === sessionId)
    .map((e) => [e.type, e.type === 'disconnect' ? e.reason : e.type === 'subscribe' || e.type === 'unsubscribe' ? e.destination : undefined]);
}

describe('parity: session events', () => {
  let server: RunningApp;
  let url: string;
  let log: EventLog;
  let loggerError: jest.SpiedFunction<Logger['error']>;
  let loggerWarn: jest.SpiedFunction<Logger['warn']>;

  beforeAll(async () => {
    loggerError = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    loggerWarn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    server = await startApp(EventsModule);
    url = `${server.wsUrl}/ws`;
    log = server.app.get(EventLog);
  });

  afterAll(async () => {
    await server.close();
    loggerError.mockRestore();
    loggerWarn.mockRestore();
  });

  /** Waits for the session's disconnect, then until its socket is closed server-side, so no late event can be missed. */
  async function settled(sessionId: string): Promise<void> {
    await log.events.first((e) => e.type === 'disconnect' && sessionOf(e) === sessionId, `disconnect of ${sessionId}`);
    await eventually(async () => (await serverConnections(server.app)) === 0, 'the server to close every socket');
  }

  it("'broker-availability' { available: true } reaches an @OnStompEvent listener at start-up", () => {
    expect(log.availability).toEqual([true]);
  });

  it('connect, connected, subscribe, unsubscribe and disconnect arrive in order, on StompEvents.events$ and @OnStompEvent alike', async () => {
    const stream = recordEvents(server.app);
    try {
      const client = await RawStompClient.connect(url);
      const sessionId = client.frames[0]!.headers.session!;
      await subscribe(client, '/topic/events', 'ev-1');
      client.send('UNSUBSCRIBE', { id: 'ev-1', receipt: 'r-unsub' });
      await receiptFor(client, 'r-unsub');
      await client.disconnect();
      await settled(sessionId);
      const expected = [
        ['connect', undefined],
        ['connected', undefined],
        ['subscribe', '/topic/events'],
        ['unsubscribe', '/topic/events'],
        ['disconnect', 'client'],
      ];
      expect(summary(log.events.items, sessionId)).toEqual(expected);
      expect(summary(stream.items, sessionId)).toEqual(expected);
      const connect = log.events.items.find((e) => e.type === 'connect' && sessionOf(e) === sessionId)!;
      expect(connect.type === 'connect' && connect.headers['accept-version']).toBe('1.2');
      const subscribed = log.events.items.find((e) => e.type === 'subscribe' && sessionOf(e) === sessionId)!;
      expect(subscribed.type === 'subscribe' && subscribed.subscriptionId).toBe('ev-1');
    } finally {
      stream.stop();
    }
  });

  it('a @stomp/stompjs client deactivating gives one disconnect, reason client', async () => {
    const { client, sessionId } = await connectWithFrame(url);
    await deactivateAll(client);
    await settled(sessionId);
    expect(summary(log.events.items, sessionId).filter(([type]) => type === 'disconnect')).toEqual([['disconnect', 'client']]);
  });

  it.each<[string, DisconnectReason, (client: RawStompClient) => void | Promise<void>]>([
    ['a protocol ERROR', 'error', (client) => client.send('SUBSCRIBE', { id: 'no-destination' })],
    [
      'a socket killed mid-frame',
      'transport',
      async (client) => {
        // Half a frame handed to the OS, then the socket is destroyed without a closing handshake.
        await new Promise<void>((resolve, reject) =>
          client.socket.send('SEND\ndestination:/topic/half\ncontent-type:text/plain\n\nhalf a bo', (error) => (error ? reject(error) : resolve())),
        );
        client.terminate();
      },
    ],
    ['a socket closed without DISCONNECT', 'transport', (client) => client.socket.close()],
  ])('disconnect comes exactly once after %s, reason %s', async (_cause, reason, end) => {
    const client = await RawStompClient.connect(url);
    const sessionId = client.frames[0]!.headers.session!;
    await end(client);
    await settled(sessionId);
    expect(summary(log.events.items, sessionId).filter(([type]) => type === 'disconnect')).toEqual([['disconnect', reason]]);
    if (!client.closed) client.terminate();
  });

  it('a connection that never CONNECTed has no events at all', async () => {
    await eventually(async () => (await serverConnections(server.app)) === 0, 'earlier sockets to close');
    const before = log.events.items.length;
    const client = await RawStompClient.open(url);
    await eventually(async () => (await serverConnections(server.app)) === 1, 'the server to accept the socket');
    client.terminate();
    await eventually(async () => (await serverConnections(server.app)) === 0, 'the server to close the socket');
    expect(log.events.items.slice(before)).toEqual([]);
  });

  it('a listener that throws (or rejects) is logged and does not break the session', async () => {
    loggerError.mockClear();
    const client = await RawStompClient.connect(url);
    try {
      const topic = `/topic/${unique('still-works')}`;
      await subscribe(client, topic);
      await publish(client, topic, 'alive');
      expect((await waitMessages(client, 1))[0]!.text).toBe('alive');
      await eventually(() => loggerError.mock.calls.some(([text]) => String(text).includes('EventLog.rejectLater')), 'the rejection to be logged');
      const texts = loggerError.mock.calls.map(([text]) => String(text));
      expect(texts).toContain("@OnStompEvent listener EventLog.explode failed on a 'connected' event");
      expect(texts).toContain("@OnStompEvent listener EventLog.explode failed on a 'subscribe' event");
      expect(texts).toContain("@OnStompEvent listener EventLog.rejectLater failed on a 'subscribe' event");
    } finally {
      await closeAll(client);
    }
  });

  it("app.close() ends every session with one disconnect, reason 'shutdown'", async () => {
    const other = await startApp(EventsModule);
    const otherLog = other.app.get(EventLog);
    const first = await RawStompClient.connect(`${other.wsUrl}/ws`);
    const second = await RawStompClient.connect(`${other.wsUrl}/ws`);
    const ids = [first, second].map((c) => c.frames[0]!.headers.session!);
    await other.close();
    for (const client of [first, second]) {
      const error = await client.nextFrame('ERROR');
      expect(error.headers.message).toBe('Server is shutting down');
      expect((await client.waitClosed()).code).toBe(1001);
    }
    for (const id of ids) {
      expect(summary(otherLog.events.items, id).filter(([type]) => type === 'disconnect')).toEqual([['disconnect', 'shutdown']]);
    }
  });
});
