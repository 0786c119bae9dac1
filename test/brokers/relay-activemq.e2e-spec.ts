import { jest } from '@jest/globals';
import { Controller, Logger, Module } from '@nestjs/common';
import { MessageMapping, SendTo, SimpMessagingTemplate, StompModule } from 'nest-stomp';
import { activeMqAvailable, ActiveMqProcess } from '../support/activemq.js';
import { brokerAvailable, startApp, type RunningApp } from '../support/apps.js';
import { RawStompClient } from '../support/raw-stomp-client.js';
import { closeAll, messagesOf, publish, subscribe, waitMessages } from '../support/raw-frames.js';

const describeWithActiveMq = activeMqAvailable() ? describe : describe.skip;

// The JVM takes a few seconds to start on a busy machine.
jest.setTimeout(60_000);

@Controller()
class EchoController {
  @MessageMapping('/echo')
  @SendTo('/topic/echoes')
  echo(message: { text: string }): { text: string } {
    return { text: `echo: ${message.text}` };
  }
}

function relayModule(port: number): new () => object {
  @Module({
    imports: [
      StompModule.forRoot({
        endpoint: '/ws',
        // The competing-consumers test shares /queue/jobs between anonymous clients.
        broker: { kind: 'relay', addresses: [{ host: '127.0.0.1', port }], clientQueues: [{ destination: '/queue/jobs', allow: 'everyone' }] },
      }),
    ],
    controllers: [EchoController],
  })
  class ActiveMqRelayModule {}
  return ActiveMqRelayModule;
}

/** The relay to another broker than RabbitMQ: Spring's enableStompBrokerRelay with ActiveMQ's STOMP connector. */
describeWithActiveMq('STOMP broker relay to ActiveMQ', () => {
  let activeMq: ActiveMqProcess;
  let server: RunningApp;
  let warn: jest.SpiedFunction<Logger['warn']>;
  const url = () => `${server.wsUrl}/ws`;

  beforeAll(async () => {
    warn = jest.spyOn(Logger.prototype, 'warn');
    activeMq = await ActiveMqProcess.start();
    server = await startApp(relayModule(activeMq.port));
    await brokerAvailable(server.app);
  });

  afterAll(async () => {
    await server?.close();
    await activeMq?.stop();
    warn.mockRestore();
  });

  it('says at start-up that several application instances need RabbitMQ (or Redis) with this broker', () => {
    const warnings = warn.mock.calls.map(([message]) => String(message));
    expect(warnings).toContainEqual(expect.stringMatching(/^The STOMP broker is ActiveMQ\/5\.\d+\.\d+: .* run a single instance/));
  });

  it('delivers a client SEND to a /topic subscriber with its headers, and a handler reply', async () => {
    const reader = await RawStompClient.connect(url());
    const writer = await RawStompClient.connect(url());
    try {
      await subscribe(reader, '/topic/news');
      await subscribe(reader, '/topic/echoes');
      await publish(writer, '/topic/news', 'through ActiveMQ', { 'x-origin': 'writer' });
      await publish(writer, '/app/echo', JSON.stringify({ text: 'hi' }), { 'content-type': 'application/json' });

      const [news] = await waitMessages(reader, 1, '/topic/news');
      expect([news!.text, news!.headers['x-origin'], news!.headers.destination]).toEqual(['through ActiveMQ', 'writer', '/topic/news']);
      const [echo] = await waitMessages(reader, 1, '/topic/echoes');
      expect(JSON.parse(echo!.text)).toEqual({ text: 'echo: hi' });
    } finally {
      await closeAll(reader, writer);
    }
  });

  it('pipelines SENDs without a receipt, in order, and a last receipt confirms them all', async () => {
    const reader = await RawStompClient.connect(url());
    const writer = await RawStompClient.connect(url());
    try {
      await subscribe(reader, '/topic/ordered');
      const count = 300;
      for (let i = 0; i < count - 1; i++) writer.send('SEND', { destination: '/topic/ordered', 'content-type': 'text/plain' }, String(i));
      await publish(writer, '/topic/ordered', String(count - 1));
      const received = await waitMessages(reader, count, '/topic/ordered');
      expect(received.map((m) => m.text)).toEqual(Array.from({ length: count }, (_, i) => String(i)));
    } finally {
      await closeAll(reader, writer);
    }
  });

  it('carries SimpMessagingTemplate sends over the system connection', async () => {
    const reader = await RawStompClient.connect(url());
    try {
      await subscribe(reader, '/topic/from-server');
      await server.app.get(SimpMessagingTemplate).convertAndSend('/topic/from-server', { price: 42 });
      const [message] = await waitMessages(reader, 1, '/topic/from-server');
      expect(JSON.parse(message!.text)).toEqual({ price: 42 });
      expect(message!.headers['content-type']).toBe('application/json;charset=UTF-8');
    } finally {
      await closeAll(reader);
    }
  });

  it('gives each message of a /queue to one of its subscribers (ActiveMQ queues compete)', async () => {
    const first = await RawStompClient.connect(url());
    const second = await RawStompClient.connect(url());
    const writer = await RawStompClient.connect(url());
    try {
      await subscribe(first, '/queue/jobs');
      await subscribe(second, '/queue/jobs');
      for (let i = 0; i < 20; i++) writer.send('SEND', { destination: '/queue/jobs', 'content-type': 'text/plain' }, String(i));
      await publish(writer, '/queue/jobs', 'last');
      const all = () => [...messagesOf(first, '/queue/jobs'), ...messagesOf(second, '/queue/jobs')].map((m) => m.text);
      const allArrived = () => all().length >= 21;
      // Whichever subscriber gets the last job wakes first; the other wakes at its next frame or close.
      const waits = [first, second].map((c) => c.until(allArrived, '21 jobs between the two subscribers'));
      await Promise.any(waits);
      waits.forEach((wait) => wait.catch(() => undefined));
      expect(all().sort()).toEqual([...Array.from({ length: 20 }, (_, i) => String(i)), 'last'].sort());
    } finally {
      await closeAll(first, second, writer);
    }
  });
});
