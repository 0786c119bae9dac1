import { jest } from '@jest/globals';
import { Module } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { SimpMessagingTemplate, StompModule } from 'nest-stomp';
import { brokerAvailable, startApp, startChatInstance, type RunningApp } from '../support/apps.js';
import { deleteRabbitMqQueues, rabbitMqQueuesNamed, rabbitMqStompAvailable } from '../support/rabbitmq.js';
import { RawStompClient } from '../support/raw-stomp-client.js';
import { closeAll, expectRefusal, frameBytes, publish, subscribe, waitMessages } from '../support/raw-frames.js';

const describeWithRabbitMq = (await rabbitMqStompAvailable()) ? describe : describe.skip;

jest.setTimeout(90_000);

/** This run's queue names start with it, so that tests running at the same time never see each other's. */
const TAG = `nest-stomp-relayq-${randomUUID().slice(0, 8)}`;

/** Everyone is anonymous but for a CONNECT with a `login`; `/queue/<TAG>-team-*` is for signed-in clients only. */
@Module({
  imports: [
    StompModule.forRoot({
      endpoint: '/ws',
      authenticate: ({ login }) => (login ? { name: login } : undefined),
      broker: { kind: 'relay', clientQueues: [{ destination: `/queue/${TAG}-team-*`, allow: 'authenticated' }] },
    }),
  ],
})
class TeamQueuesModule {}

describeWithRabbitMq('hardening: through the relay, anonymous clients create nothing on RabbitMQ that outlives them (issue 11, item 5)', () => {
  afterAll(async () => {
    await deleteRabbitMqQueues(TAG);
  });

  describe('the chat app on the relay, with its defaults', () => {
    let chat: RunningApp;

    beforeAll(async () => {
      process.env.STOMP_BROKER = 'relay';
      chat = await startChatInstance();
    });

    afterAll(async () => {
      delete process.env.STOMP_BROKER;
      await chat?.close();
    });

    it('refuses SEND persistent:true to 200 fresh /queue destinations with an ERROR naming the option; no queue is left', async () => {
      const prefix = `${TAG}-attack-`;
      const attacker = await RawStompClient.connect(`${chat.wsUrl}/portfolio/websocket`);
      try {
        const sends = Array.from({ length: 200 }, (_, i) =>
          frameBytes('SEND', { destination: `/queue/${prefix}${i}`, persistent: 'true', 'content-type': 'text/plain', ...(i === 199 ? { receipt: 'last' } : {}) }, `job ${i}`),
        );
        attacker.write(Buffer.concat(sends));
        await expectRefusal(attacker, {
          message: `Failed to process SEND: SEND to '/queue/${prefix}0' is refused: through the relay it would create a queue on the broker that outlives the client, and no clientQueues rule names this destination (relay option clientQueues)`,
        });
      } finally {
        await closeAll(attacker);
      }
      expect(await rabbitMqQueuesNamed(prefix)).toEqual([]);
    });

    it('refuses SUBSCRIBE to a fresh /queue destination the same way', async () => {
      const destination = `/queue/${TAG}-subscribed`;
      const attacker = await RawStompClient.connect(`${chat.wsUrl}/portfolio/websocket`);
      try {
        attacker.send('SUBSCRIBE', { id: 'q', destination, receipt: 'sub' });
        await expectRefusal(attacker, {
          message: `SUBSCRIBE to '${destination}' is refused: through the relay it would create a queue on the broker that outlives the client, and no clientQueues rule names this destination (relay option clientQueues)`,
          receiptId: 'sub',
        });
      } finally {
        await closeAll(attacker);
      }
      expect(await rabbitMqQueuesNamed(destination.slice('/queue/'.length))).toEqual([]);
    });

    it('strips queue-shaping headers from client SENDs; the application headers pass', async () => {
      const topic = `/topic/${TAG}.shaped`;
      const reader = await RawStompClient.connect(`${chat.wsUrl}/portfolio/websocket`);
      const writer = await RawStompClient.connect(`${chat.wsUrl}/portfolio/websocket`);
      try {
        await subscribe(reader, topic);
        const shaping = {
          persistent: 'true',
          durable: 'true',
          'auto-delete': 'false',
          exclusive: 'false',
          'x-message-ttl': '1',
          'x-max-length': '1',
          'x-queue-type': 'quorum',
          'x-dead-letter-exchange': 'amq.fanout',
          'x-expires': '999999999',
        };
        await publish(writer, topic, 'shaped', { ...shaping, 'x-trace': 'kept' });
        const [message] = await waitMessages(reader, 1, topic);
        expect(message!.text).toBe('shaped');
        expect(message!.headers['x-trace']).toBe('kept');
        expect(Object.keys(message!.headers).filter((name) => name in shaping)).toEqual([]);
      } finally {
        await closeAll(reader, writer);
      }
    });
  });

  describe('clientQueues: a rule admits signed-in clients to /queue/<tag>-team-*', () => {
    let server: RunningApp;
    const url = () => `${server.wsUrl}/ws`;

    beforeAll(async () => {
      server = await startApp(TeamQueuesModule);
      await brokerAvailable(server.app);
    });

    afterAll(async () => {
      await server?.close();
    });

    it('lets an admitted client create its durable queue, without its queue-shaping headers, and refuses an anonymous one there', async () => {
      const name = `${TAG}-team-jobs`;
      const member = await RawStompClient.connect(url(), { login: 'alice' });
      const anonymous = await RawStompClient.connect(url());
      try {
        await publish(member, `/queue/${name}`, 'job', { persistent: 'true', 'x-max-length': '1', 'x-message-ttl': '5' });
        const [queue] = await rabbitMqQueuesNamed(name);
        expect(queue).toEqual({ name, durable: true, autoDelete: false, arguments: '[]' });

        anonymous.send('SEND', { destination: `/queue/${name}`, receipt: 'anon' }, 'job');
        await expectRefusal(anonymous, {
          message: `SEND to '/queue/${name}' is refused: through the relay it would create a queue on the broker that outlives the client, and the clientQueues rule '/queue/${TAG}-team-*' does not admit this client (relay option clientQueues)`,
          receiptId: 'anon',
        });
      } finally {
        await closeAll(member, anonymous);
      }
    });

    it('leaves server-side sends in full control: the template creates the queue it names, with its headers', async () => {
      const name = `${TAG}-server-owned`;
      await server.app.get(SimpMessagingTemplate).convertAndSend(`/queue/${name}`, { job: 1 }, { 'x-max-length': '10' });
      const [queue] = await rabbitMqQueuesNamed(name);
      expect(queue).toMatchObject({ name, durable: true, autoDelete: false });
      expect(queue!.arguments).toContain('x-max-length');
    });
  });
});
