import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { WsAdapter } from '@nestjs/platform-ws';
import { MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { Stomp, type IMessage } from '@stomp/stompjs';
import SockJS from 'sockjs-client';
import { WebSocket } from 'ws';
import { MessageMapping, SendTo, StompModule } from 'nest-stomp';
import { startApp, type RunningApp, runningApp } from '../support/apps.js';
import { Recorder } from '../support/recorder.js';
import { connectStompClient, deactivateAll, publishConfirmed, subscribeConfirmed } from '../support/stomp-clients.js';

@Controller()
class EchoController {
  @MessageMapping('/echo')
  @SendTo('/topic/echo')
  echo(payload: { text: string }) {
    return { echoed: payload.text };
  }
}

/** A plain Nest gateway on its own path, next to STOMP. */
@WebSocketGateway({ path: '/gateway' })
class PingGateway {
  @SubscribeMessage('ping')
  ping(@MessageBody() data: string) {
    return { event: 'pong', data };
  }
}

@Module({
  imports: [StompModule.forRoot({ endpoint: { path: '/stomp', sockJs: true } })],
  controllers: [EchoController],
  providers: [PingGateway],
})
class PlatformTestModule {}

async function roundTrip(app: RunningApp, path: string): Promise<void> {
  const client = await connectStompClient(`${app.wsUrl}${path}`);
  try {
    const inbox = await subscribeConfirmed(client, '/topic/echo');
    await publishConfirmed(client, '/app/echo', JSON.stringify({ text: 'hi' }));
    const [message] = await inbox.waitFor(1);
    expect(JSON.parse(message!.body)).toEqual({ echoed: 'hi' });
  } finally {
    await deactivateAll(client);
  }
}

async function sockJsRoundTrip(app: RunningApp): Promise<void> {
  const stompClient = Stomp.over(() => new SockJS(`${app.httpUrl}/stomp`));
  stompClient.debug = () => undefined;
  stompClient.reconnectDelay = 0;
  await new Promise<void>((resolve, reject) => stompClient.connect({}, () => resolve(), (e: unknown) => reject(e)));
  const inbox = new Recorder<IMessage>();
  const subscribed = new Promise<void>((resolve) => stompClient.watchForReceipt('s', () => resolve()));
  stompClient.subscribe('/topic/echo', (m: IMessage) => inbox.push(m), { receipt: 's' });
  await subscribed;
  stompClient.send('/app/echo', {}, JSON.stringify({ text: 'over sockjs' }));
  const [message] = await inbox.waitFor(1);
  expect(JSON.parse(message!.body)).toEqual({ echoed: 'over sockjs' });
  await new Promise<void>((resolve) => stompClient.disconnect(() => resolve()));
}

function gatewayPing(app: RunningApp): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${app.wsUrl}/gateway`);
    socket.once('error', reject);
    socket.once('open', () => socket.send(JSON.stringify({ event: 'ping', data: 'x' })));
    socket.once('message', (data: Buffer) => {
      socket.close();
      resolve(JSON.parse(data.toString()));
    });
  });
}

describe.each([
  ['Express', () => startApp(PlatformTestModule, (app) => void app.useWebSocketAdapter(new WsAdapter(app)))],
  [
    'Fastify',
    async () => {
      const app = await NestFactory.create(PlatformTestModule, new FastifyAdapter(), { logger: false });
      app.useWebSocketAdapter(new WsAdapter(app));
      await app.listen(0, '127.0.0.1');
      return runningApp(app);
    },
  ],
])('on %s, beside a @WebSocketGateway with WsAdapter', (_platform, start) => {
  let app: RunningApp;

  beforeAll(async () => {
    app = await start();
  });

  afterAll(async () => {
    await app.close();
  });

  it('serves raw WebSocket STOMP at the endpoint and at {endpoint}/websocket', async () => {
    await roundTrip(app, '/stomp');
    await roundTrip(app, '/stomp/websocket');
  });

  it('serves SockJS on the same endpoint', async () => {
    await sockJsRoundTrip(app);
  });

  it('leaves the gateway’s path to the gateway', async () => {
    await expect(gatewayPing(app)).resolves.toEqual({ event: 'pong', data: 'x' });
  });

  it('leaves ordinary HTTP routes to the platform', async () => {
    const res = await fetch(`${app.httpUrl}/no-such-route`);
    expect(res.status).toBe(404);
  });
});
