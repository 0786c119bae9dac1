import { Module } from '@nestjs/common';
import { KafkaBroker, SimpMessagingTemplate, STOMP_BROKER, StompBrokerUnavailableError, StompModule } from 'nest-stomp';
import { brokerAvailable, startApp, type RunningApp } from '../support/apps.js';
import { KafkaServerProcess, kafkaServerAvailable } from '../support/kafka.js';
import { RawStompClient } from '../support/raw-stomp-client.js';
import { Recorder } from '../support/recorder.js';
import { connectStompClient, deactivateAll, subscribeConfirmed } from '../support/stomp-clients.js';
import { availabilityEvent } from '../support/events.js';

const describeWithKafka = kafkaServerAvailable() ? describe : describe.skip;
const WAIT_MS = 60_000;

function instanceModule(address: string): unknown {
  @Module({
    imports: [
      StompModule.forRoot({
        endpoint: '/ws',
        broker: { kind: 'kafka', brokers: [address], reconnectDelay: 100, maxReconnectDelay: 500, connectTimeout: 1000, requestTimeout: 3000 },
      }),
    ],
  })
  class KafkaInstanceModule {}
  return KafkaInstanceModule;
}

const text = { 'content-type': 'text/plain' };

// A Kafka of this file's own, killed and started again on the same ports with the same log.
describeWithKafka('Kafka broker: Kafka going away and coming back', () => {
  let kafka: KafkaServerProcess | undefined;
  let app: RunningApp | undefined;

  beforeAll(async () => {
    kafka = await KafkaServerProcess.create();
    await kafka.start();
    app = await startApp(instanceModule(kafka.address));
    await brokerAvailable(app.app);
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await kafka?.destroy();
  });

  it('keeps every message it confirmed with a RECEIPT while Kafka is killed and restarted under load, and refuses the others with an ERROR', async () => {
    const url = `${app!.wsUrl}/ws`;
    const destination = '/topic/orders';
    // Each RECEIPT is recorded as it comes, so the test waits on them.
    const receipts = new Recorder<number>();
    const confirmed = receipts.items;
    const refused: string[] = [];
    let stop = false;
    let sent = 0;
    // Senders one after another: an ERROR ends a session, so the next one connects once Kafka is back.
    const load = (async () => {
      while (!stop) {
        await brokerAvailable(app!.app);
        const sender = await RawStompClient.connect(url);
        try {
          while (!stop) {
            const n = sent++;
            sender.send('SEND', { destination, receipt: `r-${n}`, 'content-type': 'text/plain' }, String(n));
            const answer = await sender.nextFrame();
            if (answer.command === 'RECEIPT') {
              receipts.push(n);
            } else {
              refused.push(answer.headers.message ?? '');
              break;
            }
          }
        } finally {
          sender.terminate();
        }
      }
    })();

    const down = availabilityEvent(app!, false, WAIT_MS);
    await receipts.waitFor(100, WAIT_MS);
    await kafka!.stop();
    await down;
    const up = availabilityEvent(app!, true, WAIT_MS);
    await kafka!.start();
    await up;
    const before = confirmed.length;
    await receipts.waitFor(before + 100, WAIT_MS);
    stop = true;
    await load;

    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((message) => message.includes('Kafka broker unavailable'))).toBe(true);
    const reader = await connectStompClient(url);
    try {
      const log = await subscribeConfirmed(reader, destination, { 'x-stream-offset': 'first' });
      await log.until(() => confirmed.every((n) => log.items.some((message) => message.body === String(n))), 'every confirmed message in the log', WAIT_MS);
      const bodies = log.items.map((message) => Number(message.body));
      // In the order they were confirmed (each sender waited for its RECEIPT before the next SEND).
      const kept = bodies.filter((n) => confirmed.includes(n));
      expect(kept).toEqual(confirmed);
    } finally {
      await deactivateAll(reader);
    }
  }, 180_000);

  it('while Kafka is away: template sends reject with StompBrokerUnavailableError, a SEND gets an ERROR, availability events say so', async () => {
    const down = availabilityEvent(app!, false, WAIT_MS);
    await kafka!.stop();
    await down;
    try {
      await expect(app!.app.get(SimpMessagingTemplate).convertAndSend('/topic/news', 'lost?')).rejects.toBeInstanceOf(StompBrokerUnavailableError);
      const client = await RawStompClient.connect(`${app!.wsUrl}/ws`);
      try {
        client.send('SEND', { destination: '/topic/news', receipt: 'r', ...text }, 'lost?');
        const error = await client.nextFrame('ERROR');
        expect(error.headers.message).toContain('Kafka broker unavailable');
        expect(error.headers['receipt-id']).toBe('r');
      } finally {
        client.terminate();
      }
    } finally {
      const up = availabilityEvent(app!, true, WAIT_MS);
      await kafka!.start();
      await up;
    }
    await app!.app.get(SimpMessagingTemplate).convertAndSend('/topic/news', 'back');
  }, 180_000);

  it("ends a /queue subscriber's session with an ERROR when Kafka goes away, so that it subscribes again", async () => {
    const client = await RawStompClient.connect(`${app!.wsUrl}/ws`);
    try {
      client.send('SUBSCRIBE', { id: 'jobs', destination: '/queue/jobs', receipt: 'subscribed' });
      await client.nextFrame('RECEIPT');
      await app!.app.get<KafkaBroker>(STOMP_BROKER).queueJoined('/queue/jobs');
      await kafka!.stop();
      const error = await client.nextFrame('ERROR');
      expect(error.headers.message).toContain("Kafka broker lost the queue '/queue/jobs'");
    } finally {
      client.terminate();
      const up = availabilityEvent(app!, true, WAIT_MS);
      if (!kafka!.running) await kafka!.start();
      await up;
    }
  }, 180_000);
});
