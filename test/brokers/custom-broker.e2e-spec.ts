import { Controller, Module } from '@nestjs/common';
import type { Client } from '@stomp/stompjs';
import {
  MessageFrameTemplate,
  MessageIds,
  MessageMapping,
  SendTo,
  SimpMessagingTemplate,
  StompModule,
  type BrokerMessage,
  type BrokerSubscriber,
  type MessageBroker,
} from 'nest-stomp';
import { startApp, type RunningApp } from '../support/apps.js';
import { connectStompClient, deactivateAll, publishConfirmed, subscribeConfirmed } from '../support/stomp-clients.js';

/**
 * A broker written as an application would, from the package's entry alone: exact destinations
 * only, each publish encoded once for all of its subscribers.
 */
class ExactMatchBroker implements MessageBroker {
  readonly published: BrokerMessage[] = [];
  private readonly subscriptions = new Map<string, Map<BrokerSubscriber, Set<string>>>();
  private readonly ids = new MessageIds('custom');

  subscribe(subscriber: BrokerSubscriber, subscriptionId: string, destination: string): void {
    const byDestination = this.subscriptions.get(destination) ?? new Map<BrokerSubscriber, Set<string>>();
    this.subscriptions.set(destination, byDestination);
    const ids = byDestination.get(subscriber) ?? new Set<string>();
    byDestination.set(subscriber, ids.add(subscriptionId));
  }

  unsubscribe(subscriber: BrokerSubscriber, subscriptionId: string): void {
    for (const byDestination of this.subscriptions.values()) byDestination.get(subscriber)?.delete(subscriptionId);
  }

  unsubscribeAll(subscriber: BrokerSubscriber): void {
    for (const byDestination of this.subscriptions.values()) byDestination.delete(subscriber);
  }

  publish(message: BrokerMessage): void {
    this.published.push(message);
    const template = MessageFrameTemplate.forMessage(message);
    const messageId = this.ids.next();
    for (const [subscriber, ids] of this.subscriptions.get(message.destination) ?? []) {
      for (const id of ids) subscriber.deliverMessage(template, id, messageId);
    }
  }
}

const broker = new ExactMatchBroker();

@Controller()
class EchoController {
  @MessageMapping('/echo')
  @SendTo('/topic/echoes')
  echo(text: string): string {
    return `echo: ${text}`;
  }
}

@Module({ imports: [StompModule.forRoot({ endpoint: '/ws', broker })], controllers: [EchoController] })
class CustomBrokerModule {}

describe('a broker of your own, written from the public API', () => {
  let server: RunningApp;
  let client: Client;

  beforeAll(async () => {
    server = await startApp(CustomBrokerModule);
    client = await connectStompClient(`${server.wsUrl}/ws`);
  });

  afterAll(async () => {
    await deactivateAll(client);
    await server.close();
  });

  it('carries client SENDs, handler replies and template sends to subscribers, as MESSAGE frames', async () => {
    const news = await subscribeConfirmed(client, '/topic/news');
    const echoes = await subscribeConfirmed(client, '/topic/echoes');
    await publishConfirmed(client, '/topic/news', 'from a client', { 'content-type': 'text/plain', 'x-tag': 'a' });
    await publishConfirmed(client, '/app/echo', 'hello', { 'content-type': 'text/plain' });
    await server.app.get(SimpMessagingTemplate).convertAndSend('/topic/news', { from: 'the server' });

    const [fromClient, fromServer] = await news.waitFor(2);
    expect(fromClient!.body).toBe('from a client');
    expect(fromClient!.headers).toMatchObject({ destination: '/topic/news', 'content-type': 'text/plain', 'x-tag': 'a' });
    expect(fromClient!.headers['message-id']).toMatch(/custom/);
    expect(JSON.parse(fromServer!.body)).toEqual({ from: 'the server' });
    const [echo] = await echoes.waitFor(1);
    expect(echo!.body).toBe('echo: hello');
    expect(broker.published.map((m) => m.destination)).toEqual(['/topic/news', '/topic/echoes', '/topic/news']);
  });
});
