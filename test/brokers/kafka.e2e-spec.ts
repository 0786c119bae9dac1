import { jest } from '@jest/globals';
import type { IMessage } from '@stomp/stompjs';
import { Recorder } from '../support/recorder.js';
import { filter, firstValueFrom } from 'rxjs';
import { KafkaBroker, SimpMessagingTemplate, SimpUserRegistry, STOMP_BROKER } from 'nest-stomp';
import type { AppFixture } from '../support/apps.js';
import { KafkaServerProcess, kafkaServerAvailable } from '../support/kafka.js';
import { RawStompClient } from '../support/raw-stomp-client.js';
import { publishConfirmed, subscribeConfirmed } from '../support/stomp-clients.js';
import { useTwoChatInstances } from '../support/two-instances.js';
import { unique } from '../support/unique.js';
import { topicOfDestination } from '../../libs/stomp/src/broker/kafka/kafka-topic-names.js';

const describeWithKafka = kafkaServerAvailable() ? describe : describe.skip;
const WAIT_MS = 30_000;

jest.setTimeout(120_000);

/** Two instances of the chat app on STOMP_BROKER=kafka, against one real Kafka started for this file. */
describeWithKafka('Kafka broker: the chat app on two instances', () => {
  let kafka: KafkaServerProcess | undefined;
  const env: Record<string, string> = { STOMP_BROKER: 'kafka' };

  beforeAll(async () => {
    kafka = await KafkaServerProcess.create();
    await kafka.start();
    env.KAFKA_BROKERS = kafka.address;
  }, 120_000);

  afterAll(async () => {
    await kafka?.destroy();
  });

  // Nested, so that the instances close (their afterAll) before Kafka goes.
  describe('chat instances', () => {
    const { a, b, client } = useTwoChatInstances(env);

    it('runs a KafkaBroker on each instance, available once started', () => {
      for (const app of [a, b]) expect(app.app.get(STOMP_BROKER)).toBeInstanceOf(KafkaBroker);
      expect(a.app.get<KafkaBroker>(STOMP_BROKER).isAvailable).toBe(true);
    });

    it('shows on instance A the chat message a client on instance B sent, with its offset', async () => {
      const [onA, onB] = [await client(a), await client(b)];
      const [chatA, chatB] = [await subscribeConfirmed(onA, '/topic/messages'), await subscribeConfirmed(onB, '/topic/messages')];
      await publishConfirmed(onB, '/app/chat.send', JSON.stringify({ sender: 'bob', content: 'over Kafka' }));
      for (const inbox of [chatA, chatB]) {
        const [message] = await inbox.waitFor(1, WAIT_MS);
        expect(JSON.parse(message!.body)).toEqual({ sender: 'bob', content: 'over Kafka' });
        expect(message!.headers['x-stream-offset']).toMatch(/^\d+$/);
      }
    });

    it("reaches a user's sessions on the other instance, and lists users of both instances", async () => {
      const bobOnB = await client(b, 'bob');
      const inbox = await subscribeConfirmed(bobOnB, '/user/queue/private');
      const aliceOnA = await client(a, 'alice');
      await a.app.get(SimpMessagingTemplate).convertAndSendToUser('bob', '/queue/private', { from: 'server', to: 'bob', content: 'from A' });
      expect(JSON.parse((await inbox.waitFor(1, WAIT_MS))[0]!.body)).toEqual({ from: 'server', to: 'bob', content: 'from A' });

      await knownOn(a, 'bob');
      await publishConfirmed(aliceOnA, '/app/chat.private', JSON.stringify({ to: 'bob', content: 'across instances' }));
      expect(JSON.parse((await inbox.waitFor(2, WAIT_MS))[1]!.body)).toEqual({ from: 'alice', to: 'bob', content: 'across instances' });
    });

    it('gives each /queue message to one subscriber among the instances, acknowledged ones not again', async () => {
      const queue = `/queue/${unique('jobs')}`;
      const consumers = [await client(a), await client(a), await client(b)];
      // One recorder for the three subscribers, so the wait wakes on a delivery to any of them.
      const received = new Recorder<{ readonly consumer: number; readonly message: IMessage }>();
      for (const [index, consumer] of consumers.entries()) {
        const receipt = `sub-${index}`;
        const subscribed = new Promise<void>((resolve) => consumer.watchForReceipt(receipt, () => resolve()));
        consumer.subscribe(queue, (message) => received.push({ consumer: index, message }), { ack: 'client-individual', receipt });
        await subscribed;
      }
      // Once both instances' members joined and the group is stable, it stops moving the partition
      // between them: a rebalance after a delivery would read it again (Kafka is at least once).
      await Promise.all([a, b].map((app) => app.app.get<KafkaBroker>(STOMP_BROKER).queueJoined(queue)));
      await kafka!.waitForStableGroup(`nest-stomp.${topicOfDestination('nest-stomp', queue)}`, 2);
      const sender = await client(b);
      const count = 60;
      for (let i = 0; i < count; i++) await publishConfirmed(sender, queue, String(i), { 'content-type': 'text/plain' });

      const all = await received.waitFor(count, WAIT_MS);
      for (const { message } of all) message.ack();
      const bodies = all.map(({ message }) => Number(message.body));
      expect([...bodies].sort((x, y) => x - y)).toEqual(Array.from({ length: count }, (_, i) => i));
      // Each subscriber gets its share in the destination's order.
      for (const index of consumers.keys()) {
        const mine = all.filter(({ consumer }) => consumer === index).map(({ message }) => Number(message.body));
        expect(mine).toEqual([...mine].sort((x, y) => x - y));
      }

      // Everyone leaves; a newcomer on the other instance resumes after what was acknowledged.
      await Promise.all(consumers.map((consumer) => consumer.deactivate()));
      const newcomer = await subscribeConfirmed(await client(b), queue, { ack: 'client-individual' });
      await b.app.get<KafkaBroker>(STOMP_BROKER).queueJoined(queue);
      await publishConfirmed(sender, queue, 'after', { 'content-type': 'text/plain' });
      expect(texts(await newcomer.waitFor(1, WAIT_MS))).toEqual(['after']);
      newcomer.items[0]!.ack();
    });

    it('hands a NACKed /queue message to a subscriber again', async () => {
      const queue = `/queue/${unique('retry')}`;
      const consumer = await client(a);
      const inbox = await subscribeConfirmed(consumer, queue, { ack: 'client-individual' });
      await publishConfirmed(await client(b), queue, 'try me', { 'content-type': 'text/plain' });
      const [first] = await inbox.waitFor(1, WAIT_MS);
      expect(first!.headers.redelivered).toBeUndefined();
      first!.nack();
      const [, again] = await inbox.waitFor(2, WAIT_MS);
      expect(again!.body).toBe('try me');
      expect(again!.headers.redelivered).toBe('true');
      again!.ack();
    });

    it('hands the messages a /queue subscriber left unacknowledged to another subscriber when it disconnects', async () => {
      const queue = `/queue/${unique('handover')}`;
      const leaving = await client(a);
      const first = await subscribeConfirmed(leaving, queue, { ack: 'client' });
      const sender = await client(b);
      for (const body of ['1', '2', '3']) await publishConfirmed(sender, queue, body, { 'content-type': 'text/plain' });
      expect(texts(await first.waitFor(3, WAIT_MS))).toEqual(['1', '2', '3']);
      // Only the first is settled (client mode: an ACK covers the earlier ones too, none here).
      first.items[0]!.ack();
      const staying = await client(a);
      const second = await subscribeConfirmed(staying, queue, { ack: 'client' });
      await leaving.deactivate();
      expect(texts(await second.waitFor(2, WAIT_MS))).toEqual(['2', '3']);
      expect(second.items.map((message) => message.headers.redelivered)).toEqual(['true', 'true']);
      second.items[1]!.ack();
    });

    it('refuses an ACK naming no message it delivered with an ERROR', async () => {
      const raw = await RawStompClient.connect(`${a.wsUrl}/portfolio`);
      try {
        raw.send('ACK', { id: 'nest-stomp.queue.nothing@0#1' });
        const error = await raw.nextFrame('ERROR');
        expect(error.headers.message).toContain("ACK of 'nest-stomp.queue.nothing@0#1'");
      } finally {
        raw.terminate();
      }
    });

    it('lets a subscriber that dropped resume from the offset it last saw: 1000 messages, none lost, none twice, in order', async () => {
      const topic = `/topic/${unique('resume')}`;
      const total = 1000;
      const reader = await client(a);
      let inbox = await subscribeConfirmed(reader, topic);
      const sender = await client(b);
      const sent = (async () => {
        for (let i = 0; i < total; i++) {
          if (i % 50 === 49) await publishConfirmed(sender, topic, String(i), { 'content-type': 'text/plain' });
          else sender.publish({ destination: topic, body: String(i), headers: { 'content-type': 'text/plain' } });
        }
      })();
      // Drop mid-stream, then come back on the other instance from the next offset.
      const before = await inbox.waitFor(200, WAIT_MS);
      await reader.deactivate();
      const seen = before.map((message) => ({ body: Number(message.body), offset: Number(message.headers['x-stream-offset']) }));
      const last = seen.at(-1)!.offset;
      const again = await client(b);
      inbox = await subscribeConfirmed(again, topic, { 'x-stream-offset': `offset=${last + 1}` });
      await sent;
      const rest = await inbox.waitFor(total - seen.length, WAIT_MS);
      const all = [...seen, ...rest.map((message) => ({ body: Number(message.body), offset: Number(message.headers['x-stream-offset']) }))];
      expect(all.map((message) => message.body)).toEqual(Array.from({ length: total }, (_, i) => i));
      expect(all.map((message) => message.offset)).toEqual(Array.from({ length: total }, (_, i) => all[0]!.offset + i));
    });

    it('replays by first, last and timestamp, then goes on with new messages', async () => {
      const topic = `/topic/${unique('replay')}`;
      const sender = await client(a);
      for (const body of ['one', 'two']) await publishConfirmed(sender, topic, body, { 'content-type': 'text/plain' });
      // Kafka's timestamps are milliseconds: wait for the clock to pass the second the header can name.
      const from = Math.ceil(Date.now() / 1000) + 1;
      await new Promise((resolve) => setTimeout(resolve, from * 1000 - Date.now() + 10));
      for (const body of ['three', 'four']) await publishConfirmed(sender, topic, body, { 'content-type': 'text/plain' });

      const reader = await client(b);
      const first = await subscribeConfirmed(reader, topic, { 'x-stream-offset': 'first' });
      const last = await subscribeConfirmed(reader, topic, { 'x-stream-offset': 'last' });
      const since = await subscribeConfirmed(reader, topic, { 'x-stream-offset': `timestamp=${from}` });
      const next = await subscribeConfirmed(reader, topic);
      await publishConfirmed(sender, topic, 'five', { 'content-type': 'text/plain' });

      expect(texts(await first.waitFor(5, WAIT_MS))).toEqual(['one', 'two', 'three', 'four', 'five']);
      expect(texts(await last.waitFor(2, WAIT_MS))).toEqual(['four', 'five']);
      expect(texts(await since.waitFor(3, WAIT_MS))).toEqual(['three', 'four', 'five']);
      expect(texts(await next.waitFor(1, WAIT_MS))).toEqual(['five']);
      expect(first.items.map((message) => Number(message.headers['x-stream-offset']))).toEqual([0, 1, 2, 3, 4]);
    });

    it('refuses a bad x-stream-offset with an ERROR naming it', async () => {
      const raw = await RawStompClient.connect(`${a.wsUrl}/portfolio`);
      try {
        raw.send('SUBSCRIBE', { id: 's', destination: '/topic/x', 'x-stream-offset': 'yesterday' });
        const error = await raw.nextFrame('ERROR');
        expect(error.headers.message).toContain("x-stream-offset header 'yesterday'");
      } finally {
        raw.terminate();
      }
    });
  });
});

function texts(messages: readonly IMessage[]): string[] {
  return messages.map((message) => message.body);
}

/** Resolves once the instance's user registry lists `name` (possibly connected to another instance). */
async function knownOn(app: AppFixture, name: string): Promise<void> {
  const registry = app.app.get(SimpUserRegistry);
  if (registry.getUser(name)) return;
  await firstValueFrom(registry.changes$.pipe(filter(() => registry.getUser(name) !== undefined)));
}

