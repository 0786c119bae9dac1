import { Controller, Module } from '@nestjs/common';
import { DestinationVariable, MessageMapping, SendTo, SendToUser, StompContext, StompModule, SubscribeMapping } from 'nest-stomp';
import { useApp } from '../support/apps.js';
import { recordEvents, sessionOf } from '../support/events.js';
import { RawStompClient } from '../support/raw-stomp-client.js';
import { closeAll, messagesOf, publish, receiptFor, subscribe, subscriptionCount } from '../support/raw-frames.js';
import { createStompTestClient, type StompTestClient } from 'nest-stomp/testing';
import { deactivateAll, subscribeConfirmed, bodies, connectWithFrame } from '../support/stomp-clients.js';
import { unique } from '../support/unique.js';

const ROOMS = [{ id: 'lobby' }, { id: 'garden' }];

@Controller()
class RoomsController {
  calls = 0;

  @SubscribeMapping('/rooms')
  rooms() {
    this.calls++;
    return ROOMS;
  }

  @SubscribeMapping('/rooms/{roomId}')
  room(@DestinationVariable('roomId') roomId: string, context: StompContext) {
    return { roomId, command: context.command, subscriptionId: context.subscriptionId, lookup: context.lookupDestination };
  }

  @SubscribeMapping('/announce')
  @SendTo('/topic/announcements')
  announce() {
    return { announced: true };
  }

  @SubscribeMapping('/mine')
  @SendToUser('/queue/mine', { broadcast: false })
  mine(context: StompContext) {
    return { for: context.sessionId };
  }

  @SubscribeMapping('/nothing')
  nothing(): void {}

  // A SEND to the same destination is a different mapping kind: it must not run the subscribe handler.
  @MessageMapping('/rooms')
  @SendTo('/topic/rooms-sent')
  sent(body: unknown) {
    return { sent: body };
  }
}

@Module({ imports: [StompModule.forRoot({ endpoint: '/ws' })], controllers: [RoomsController] })
class SubscribeMappingModule {}

describe('parity: @SubscribeMapping', () => {
  const server = useApp(SubscribeMappingModule);
  const url = () => `${server.wsUrl}/ws`;
  const clients: StompTestClient[] = [];
  const connect = async () => {
    const client = createStompTestClient(url(), { timeout: 10_000 });
    clients.push(client);
    return client.connect();
  };

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.disconnect()));
  });

  it('answers exactly one MESSAGE to the subscriber (destination /app/rooms, its subscription id), before the RECEIPT', async () => {
    const subscriber = await RawStompClient.connect(url());
    const bystander = await RawStompClient.connect(url());
    try {
      // The bystander listens to the broker: the reply must not go through it.
      await subscribe(bystander, '/topic/rooms');
      await subscribe(bystander, '/topic/**');
      const brokerSubscriptions = subscriptionCount(server.app);

      subscriber.send('SUBSCRIBE', { id: 'rooms-1', destination: '/app/rooms', receipt: 'r-rooms' });
      await receiptFor(subscriber, 'r-rooms');
      const frames = subscriber.frames.slice(1).map((f) => f.command);
      expect(frames).toEqual(['MESSAGE', 'RECEIPT']);
      const [message] = messagesOf(subscriber);
      expect(message!.headers).toMatchObject({
        destination: '/app/rooms',
        subscription: 'rooms-1',
        'content-type': 'application/json;charset=UTF-8',
        'message-id': expect.any(String),
      });
      expect(JSON.parse(message!.text)).toEqual(ROOMS);
      // Nothing stays subscribed at the broker.
      expect(subscriptionCount(server.app)).toBe(brokerSubscriptions);

      // Round trip on the bystander: anything sent to it before would be here by now.
      await publish(bystander, `/queue/${unique('marker')}`, 'm');
      expect(messagesOf(bystander)).toHaveLength(0);
      expect(messagesOf(subscriber)).toHaveLength(1);
    } finally {
      await closeAll(subscriber, bystander);
    }
  });

  it('works with @stomp/stompjs: the subscription callback gets the reply once', async () => {
    const { client } = await connectWithFrame(url());
    try {
      const inbox = await subscribeConfirmed(client, '/app/rooms');
      expect(bodies(inbox.items)).toEqual([ROOMS]);
      expect(inbox.items[0]!.headers.destination).toBe('/app/rooms');
    } finally {
      await deactivateAll(client);
    }
  });

  it('binds destination variables and gives the context of the SUBSCRIBE', async () => {
    const client = await connect();
    const garden = await client.subscribe('/app/rooms/garden', { id: 's-7' });
    // The reply came before the RECEIPT.
    const [message] = garden.messages;
    expect(message!.destination).toBe('/app/rooms/garden');
    expect(message!.headers.subscription).toBe('s-7');
    expect(message!.json()).toEqual({ roomId: 'garden', command: 'SUBSCRIBE', subscriptionId: 's-7', lookup: '/rooms/garden' });
  });

  it('with @SendTo the reply goes to the broker destination instead of the subscriber', async () => {
    const subscriber = await connect();
    const listener = await connect();
    const announcements = await listener.subscribe('/topic/announcements', { id: 'ann' });
    const announce = await subscriber.subscribe('/app/announce', { id: 'a-1' });
    expect(announce.messages).toHaveLength(0);
    const message = await announcements.next();
    expect(message.headers).toMatchObject({ destination: '/topic/announcements', subscription: 'ann' });
    expect(message.json()).toEqual({ announced: true });
  });

  it('with @SendToUser the reply goes to the subscriber\'s user destination', async () => {
    const client = await connect();
    const mine = await client.subscribe('/user/queue/mine', { id: 'mine-q' });
    const app = await client.subscribe('/app/mine', { id: 'm-1' });
    expect(app.messages).toHaveLength(0);
    expect(mine.messages).toHaveLength(1);
    expect(mine.messages[0]!.headers).toMatchObject({ destination: '/user/queue/mine', subscription: 'mine-q' });
    expect(mine.messages[0]!.json()).toEqual({ for: client.connection.session });
  });

  it('a handler returning nothing sends nothing; the RECEIPT still comes', async () => {
    const client = await connect();
    const nothing = await client.subscribe('/app/nothing', { id: 'n-1' });
    expect(nothing.messages).toHaveLength(0);
  });

  it('UNSUBSCRIBE of that id works (events, RECEIPT), and the id can be used again', async () => {
    const events = recordEvents(server.app);
    const client = await RawStompClient.connect(url());
    try {
      const sessionId = client.frames[0]!.headers.session!;
      client.send('SUBSCRIBE', { id: 'again', destination: '/app/rooms', receipt: 'r-1' });
      await receiptFor(client, 'r-1');
      client.send('UNSUBSCRIBE', { id: 'again', receipt: 'r-2' });
      await receiptFor(client, 'r-2');
      // Re-using the id is not a duplicate subscription: the first one is gone.
      client.send('SUBSCRIBE', { id: 'again', destination: '/app/rooms', receipt: 'r-3' });
      await receiptFor(client, 'r-3');
      expect(client.closed).toBeUndefined();
      expect(messagesOf(client).map((m) => m.headers.subscription)).toEqual(['again', 'again']);
      const mine = events.items.filter((e) => sessionOf(e) === sessionId && (e.type === 'subscribe' || e.type === 'unsubscribe'));
      expect(mine.map((e) => [e.type, 'destination' in e ? e.destination : undefined])).toEqual([
        ['subscribe', '/app/rooms'],
        ['unsubscribe', '/app/rooms'],
        ['subscribe', '/app/rooms'],
      ]);
    } finally {
      events.stop();
      await closeAll(client);
    }
  });

  it('a SEND to the same application destination runs the @MessageMapping, not the @SubscribeMapping', async () => {
    const client = await connect();
    const controller = server.app.get(RoomsController);
    const before = controller.calls;
    const sent = await client.subscribe('/topic/rooms-sent');
    await client.send('/app/rooms', JSON.stringify('hi'), { 'content-type': undefined });
    expect(sent.messages[0]!.json()).toEqual({ sent: 'hi' });
    expect(controller.calls).toBe(before);
  });

  it('a SUBSCRIBE to an application destination no @SubscribeMapping maps is reported to the subscriber, who stays connected', async () => {
    const client = await RawStompClient.connect(url());
    try {
      await subscribe(client, '/user/queue/errors', 'errors');
      client.send('SUBSCRIBE', { id: 'x', destination: '/app/unknown', receipt: 'r-u' });
      await receiptFor(client, 'r-u');
      const [report] = messagesOf(client);
      expect(report!.headers.subscription).toBe('errors');
      expect(JSON.parse(report!.text)).toEqual({
        destination: '/app/unknown',
        error: 'StompDestinationError',
        message: "No @SubscribeMapping handler for '/app/unknown' (mapped destination '/unknown')",
      });
      expect(client.frames.some((f) => f.command === 'ERROR')).toBe(false);
    } finally {
      await closeAll(client);
    }
  });
});
