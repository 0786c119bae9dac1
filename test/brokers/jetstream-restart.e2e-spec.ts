import { Module } from '@nestjs/common';
import { firstValueFrom } from 'rxjs';
import { JetStreamBroker, SimpMessagingTemplate, STOMP_BROKER, StompBrokerUnavailableError, StompModule } from 'nest-stomp';
import { startApp, type RunningApp } from '../support/apps.js';
import { NatsServerProcess, natsServerInstalled, uniqueNatsPrefixes } from '../support/nats.js';
import { RawStompClient, type ReceivedFrame } from '../support/raw-stomp-client.js';
import { availabilityEvent } from '../support/events.js';

const describeWithNatsServer = natsServerInstalled() ? describe : describe.skip;

const WAIT_MS = 30_000;

function instanceModule(url: string, startTimeout = 10_000): unknown {
  @Module({
    imports: [
      StompModule.forRoot({
        endpoint: '/ws',
        broker: { kind: 'jetstream', servers: url, ...uniqueNatsPrefixes('restart'), reconnectDelay: 100, startTimeout },
        retention: [{ destinations: '/topic/log/**' }],
      }),
    ],
  })
  class JetStreamRestartModule {}
  return JetStreamRestartModule;
}

function messagesOf(client: RawStompClient, subscription: string): ReceivedFrame[] {
  return client.frames.filter((f) => f.command === 'MESSAGE' && f.headers.subscription === subscription);
}

// A nats-server of the spec's own (own port, own store), killed and started again: the shared one must never go down.
describeWithNatsServer('JetStream broker: the NATS server restarting', () => {
  let nats: NatsServerProcess;
  let app: RunningApp | undefined;
  const open: RawStompClient[] = [];

  async function connect(): Promise<RawStompClient> {
    const client = await RawStompClient.connect(`${app!.wsUrl}/ws`);
    open.push(client);
    return client;
  }

  async function subscribe(client: RawStompClient, id: string, destination: string, offset?: string): Promise<void> {
    client.send('SUBSCRIBE', { id, destination, receipt: `sub-${id}`, ...(offset ? { 'x-stream-offset': offset } : {}) });
    await client.until(() => client.frames.some((f) => f.headers['receipt-id'] === `sub-${id}`), `the RECEIPT of ${id}`, WAIT_MS);
  }

  /** Each SEND with a receipt of its own, all awaited: the messages JetStream said it stored. */
  async function sendReceipted(client: RawStompClient, destination: string, bodies: readonly string[]): Promise<void> {
    for (const body of bodies) client.send('SEND', { destination, 'content-type': 'text/plain', receipt: `r-${body}` }, body);
    await client.until(() => bodies.every((body) => client.frames.some((f) => f.headers['receipt-id'] === `r-${body}`)), 'every RECEIPT', WAIT_MS);
  }

  const range = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}${i}`);

  beforeAll(async () => {
    nats = await NatsServerProcess.onFreePort();
    await nats.start();
    app = await startApp(instanceModule(nats.url));
    if (!app.app.get<JetStreamBroker>(STOMP_BROKER).isAvailable) await availabilityEvent(app, true, WAIT_MS);
  }, WAIT_MS);

  afterAll(async () => {
    for (const client of open) client.terminate();
    await app?.close();
    await nats?.dispose();
  });

  it('loses no receipted message across a restart, refuses sends while NATS is away, and resumes live subscriptions', async () => {
    const topic = '/topic/log/restart';
    const live = await connect();
    await subscribe(live, 'live', topic);
    const writer = await connect();
    await sendReceipted(writer, topic, range('before-', 50));
    await sendReceipted(writer, '/queue/jobs', ['job-before']);

    const down = availabilityEvent(app!, false, WAIT_MS);
    await nats.stop();
    await down;
    expect(app!.app.get<JetStreamBroker>(STOMP_BROKER).isAvailable).toBe(false);

    // A server-side send rejects, saying why; a client's SEND with a receipt gets an ERROR answering it.
    const rejected = app!.app.get(SimpMessagingTemplate).convertAndSend(topic, 'lost');
    await expect(rejected).rejects.toBeInstanceOf(StompBrokerUnavailableError);
    await expect(rejected).rejects.toThrow(/^JetStream broker unavailable: could not publish the message to '\/topic\/log\/restart' \(NATS at nats:\/\/127\.0\.0\.1:\d+ is not reachable/);
    writer.send('SEND', { destination: topic, 'content-type': 'text/plain', receipt: 'during-outage' }, 'lost');
    const error = await writer.nextFrame('ERROR');
    expect(error.headers['receipt-id']).toBe('during-outage');
    expect(error.headers.message).toMatch(/JetStream broker unavailable: could not publish the message to '\/topic\/log\/restart'/);
    await writer.waitClosed();
    const late = await connect();
    late.send('SUBSCRIBE', { id: 'late', destination: topic, receipt: 'subscribed' });
    expect((await late.nextFrame('ERROR')).headers.message).toMatch(/JetStream broker unavailable: could not subscribe to '\/topic\/log\/restart'/);

    const up = availabilityEvent(app!, true, WAIT_MS);
    await nats.start();
    await up;

    const again = await connect();
    await sendReceipted(again, topic, range('after-', 50));
    const expected = [...range('before-', 50), ...range('after-', 50)];

    // The subscription that stayed connected through the outage goes on where it was.
    await live.until(() => messagesOf(live, 'live').length >= 100, 'the live subscriber to catch up', WAIT_MS);
    // Everything JetStream acknowledged was on disk: a new subscriber replays it all.
    const replay = await connect();
    await subscribe(replay, 'all', topic, 'first');
    await replay.until(() => messagesOf(replay, 'all').length >= 100, 'the replay', WAIT_MS);
    await subscribe(replay, 'jobs', '/queue/jobs');
    await replay.until(() => messagesOf(replay, 'jobs').length >= 1, 'the queued job', WAIT_MS);

    const barrier = 'barrier';
    for (const client of [live, replay]) {
      client.send('SEND', { destination: '/topic/barrier', receipt: barrier }, '');
      await client.until(() => client.frames.some((f) => f.headers['receipt-id'] === barrier), 'the barrier', WAIT_MS);
    }
    expect(messagesOf(live, 'live').map((m) => m.text)).toEqual(expected);
    expect(messagesOf(replay, 'all').map((m) => m.text)).toEqual(expected);
    expect(messagesOf(replay, 'jobs').map((m) => m.text)).toEqual(['job-before']);
  }, 90_000);

  it('starts the application while NATS is down, unavailable, and becomes available once NATS is up', async () => {
    const later = await NatsServerProcess.onFreePort();
    const started = await startApp(instanceModule(later.url, 200));
    try {
      const broker = started.app.get<JetStreamBroker>(STOMP_BROKER);
      expect(broker.isAvailable).toBe(false);
      expect(await firstValueFrom(broker.availability$)).toBe(false);
      const up = availabilityEvent(started, true, WAIT_MS);
      await later.start();
      await up;
      const client = await RawStompClient.connect(`${started.wsUrl}/ws`);
      try {
        client.send('SUBSCRIBE', { id: 's', destination: '/topic/log/late', 'x-stream-offset': 'first', receipt: 'subscribed' });
        client.send('SEND', { destination: '/topic/log/late', 'content-type': 'text/plain', receipt: 'sent' }, 'hello');
        await client.until(() => messagesOf(client, 's').length === 1, 'the message', WAIT_MS);
        expect(messagesOf(client, 's')[0]!.headers['x-stream-offset']).toBe('1');
      } finally {
        client.terminate();
      }
    } finally {
      await started.close();
      await later.dispose();
    }
  }, 60_000);

  it('refuses sends, naming the unreachable server, and closes while NATS is still away', async () => {
    const never = await NatsServerProcess.onFreePort();
    const started = await startApp(instanceModule(never.url, 100));
    try {
      expect(started.app.get<JetStreamBroker>(STOMP_BROKER).isAvailable).toBe(false);
      const template = started.app.get(SimpMessagingTemplate);
      await expect(template.convertAndSend('/topic/x', 'nowhere')).rejects.toThrow(/NATS at nats:\/\/127\.0\.0\.1:\d+ is not reachable/);
    } finally {
      await started.close();
      await never.dispose();
    }
  });
});
