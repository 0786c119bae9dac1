import { Controller, Module } from '@nestjs/common';
import { DestinationVariable, MessageMapping, SendTo, StompContext, StompModule } from 'nest-stomp';
import { startApp, type RunningApp } from '../support/apps.js';
import { RawStompClient } from '../support/raw-stomp-client.js';
import { closeAll, messagesOf, receiptFor, subscribe } from '../support/raw-frames.js';
import { createStompTestClient, type StompTestClient, type StompTestSubscription } from 'nest-stomp/testing';

/** The text bodies of every message a subscription received so far. */
const texts = (subscription: StompTestSubscription): string[] => subscription.messages.map((message) => message.text);

/** Mappings with the default '/' separator. */
@Controller()
class SlashController {
  @MessageMapping('/room.{roomId}')
  @SendTo('/topic/room.{roomId}')
  room(@DestinationVariable('roomId') roomId: string, context: StompContext) {
    return { roomId, variables: context.variables, lookup: context.lookupDestination };
  }

  @MessageMapping('/shop/{shop}/order/{orderId}')
  @SendTo('/topic/shops/{shop}/{orderId}', '/topic/orders-of-{shop}')
  order(@DestinationVariable('shop') shop: string, @DestinationVariable('orderId') orderId: string) {
    return { shop, orderId };
  }

  // No @SendTo: default destination is /topic + the destination the client used (without /app).
  @MessageMapping('/orders/*')
  anyOrder(context: StompContext) {
    return { handler: 'anyOrder', lookup: context.lookupDestination };
  }

  // More specific than /orders/*: the literal wins, as Spring.
  @MessageMapping('/orders/special')
  @SendTo('/topic/special')
  special() {
    return { handler: 'special' };
  }

  @MessageMapping('/a/**')
  @SendTo('/topic/a-any')
  deep(context: StompContext) {
    return { handler: 'deep', lookup: context.lookupDestination };
  }

  // `/a/{x}` is more specific than `/a/**`.
  @MessageMapping('/a/{x}')
  @SendTo('/topic/a-any')
  one(@DestinationVariable('x') x: string) {
    return { handler: 'one', x };
  }
}

@Module({ imports: [StompModule.forRoot({ endpoint: '/ws' })], controllers: [SlashController] })
class SlashModule {}

/** The same kinds of mapping with pathSeparator '.' (Spring's AntPathMatcher(".")). */
@Controller()
class DotController {
  @MessageMapping('room.{id}')
  @SendTo('/topic/room.{id}')
  room(@DestinationVariable('id') id: string, context: StompContext) {
    return { id, lookup: context.lookupDestination };
  }

  // No @SendTo: default destination /topic/ + lookup ('stock.ACME').
  @MessageMapping('stock.*')
  stock(context: StompContext) {
    return { lookup: context.lookupDestination };
  }

  @MessageMapping('deep.**')
  @SendTo('/topic/deep')
  deep(context: StompContext) {
    return { lookup: context.lookupDestination };
  }
}

/** A class-level mapping combines with '.' as the separator: `chat` + `send` → `chat.send`. */
@Controller()
@MessageMapping('chat')
class DotChatController {
  @MessageMapping('send')
  @SendTo('/topic/chat')
  send(context: StompContext) {
    return { lookup: context.lookupDestination };
  }
}

@Module({
  imports: [StompModule.forRoot({ endpoint: '/ws', pathSeparator: '.' })],
  controllers: [DotController, DotChatController],
})
class DotModule {}

describe('parity: destinations, Ant patterns and variables', () => {
  describe("with pathSeparator '/' (default)", () => {
    let server: RunningApp;
    let client: StompTestClient;

    beforeAll(async () => {
      server = await startApp(SlashModule);
      client = await createStompTestClient(server.app, { timeout: 10_000 }).connect();
    });

    afterAll(async () => {
      await client?.disconnect();
      await server.close();
    });

    it('binds @DestinationVariable and fills {var} in @SendTo', async () => {
      const room42 = await client.subscribe('/topic/room.42');
      const room7 = await client.subscribe('/topic/room.7');
      await client.send('/app/room.42', {});
      expect((await room42.next()).json()).toEqual({ roomId: '42', variables: { roomId: '42' }, lookup: '/room.42' });
      await room7.expectNothing();
    });

    it('fills several variables into several @SendTo destinations', async () => {
      const byShop = await client.subscribe('/topic/shops/acme/o-9');
      const ofShop = await client.subscribe('/topic/orders-of-acme');
      await client.send('/app/shop/acme/order/o-9', {});
      expect((await byShop.next()).json()).toEqual({ shop: 'acme', orderId: 'o-9' });
      expect((await ofShop.next()).json()).toEqual({ shop: 'acme', orderId: 'o-9' });
    });

    it("matches '*' within one segment and replies to /topic + the destination used", async () => {
      const inbox = await client.subscribe('/topic/orders/42');
      await client.send('/app/orders/42', {});
      expect((await inbox.next()).json()).toEqual({ handler: 'anyOrder', lookup: '/orders/42' });
    });

    it('prefers a literal mapping over a pattern that also matches', async () => {
      const special = await client.subscribe('/topic/special');
      const generic = await client.subscribe('/topic/orders/special');
      await client.send('/app/orders/special', {});
      expect((await special.next()).json()).toEqual({ handler: 'special' });
      await generic.expectNothing();
    });

    it("matches '**' across segments (and zero segments), after the more specific '{x}'", async () => {
      const inbox = await client.subscribe('/topic/a-any');
      await client.send('/app/a/b/c', {});
      await client.send('/app/a', {});
      await client.send('/app/a/only', {});
      for (let i = 0; i < 3; i++) await inbox.next();
      expect(inbox.messages.map((m) => m.json())).toEqual([
        { handler: 'deep', lookup: '/a/b/c' },
        { handler: 'deep', lookup: '/a' },
        { handler: 'one', x: 'only' },
      ]);
    });

    it("does not let '*' cross a '/' : /app/orders/1/2 has no handler", async () => {
      expect(await unmappedReport(`${server.wsUrl}/ws`, '/app/orders/1/2')).toBe("No @MessageMapping handler for '/app/orders/1/2' (mapped destination '/orders/1/2')");
    });

    it("applies Ant patterns to broker subscriptions with '/' segments", async () => {
      const star = await client.subscribe('/topic/p/*');
      const deep = await client.subscribe('/topic/p/**');
      const send = (d: string) => client.send(d, d, { 'content-type': 'text/plain' });
      await send('/topic/p/1');
      await send('/topic/p/1/2');
      await send('/topic/p.x');
      await client.sync();
      expect(texts(star)).toEqual(['/topic/p/1']);
      expect(texts(deep)).toEqual(['/topic/p/1', '/topic/p/1/2']);
    });
  });

  describe("with pathSeparator '.'", () => {
    let server: RunningApp;
    let client: StompTestClient;

    beforeAll(async () => {
      server = await startApp(DotModule);
      client = await createStompTestClient(server.app, { timeout: 10_000 }).connect();
    });

    afterAll(async () => {
      await client?.disconnect();
      await server.close();
    });

    it("maps 'room.{id}' and a '/topic/room.*' subscription receives the reply", async () => {
      const rooms = await client.subscribe('/topic/room.*');
      await client.send('/app/room.42', {});
      const message = await rooms.next();
      expect(message.destination).toBe('/topic/room.42');
      expect(message.json()).toEqual({ id: '42', lookup: 'room.42' });
    });

    it("'{id}' is one '.'-segment: room.42.x matches no handler", async () => {
      expect(await unmappedReport(`${server.wsUrl}/ws`, '/app/room.42.x')).toBe("No @MessageMapping handler for '/app/room.42.x' (mapped destination 'room.42.x')");
    });

    it("replies to the default destination '/topic/' + the '.'-lookup for a 'stock.*' mapping", async () => {
      const inbox = await client.subscribe('/topic/stock.ACME');
      await client.send('/app/stock.ACME', {});
      expect((await inbox.next()).json()).toEqual({ lookup: 'stock.ACME' });
    });

    it("matches 'deep.**' across '.'-segments", async () => {
      const inbox = await client.subscribe('/topic/deep');
      await client.send('/app/deep.a.b.c', {});
      expect((await inbox.next()).json()).toEqual({ lookup: 'deep.a.b.c' });
    });

    it("combines a class-level and a method-level mapping with '.'", async () => {
      const inbox = await client.subscribe('/topic/chat');
      await client.send('/app/chat.send', {});
      expect((await inbox.next()).json()).toEqual({ lookup: 'chat.send' });
    });

    it("splits broker subscription patterns on '.': '*' stays in one segment, '**' crosses them", async () => {
      const star = await client.subscribe('/topic/price.*');
      const deep = await client.subscribe('/topic/price.**');
      const send = (d: string) => client.send(d, d, { 'content-type': 'text/plain' });
      await send('/topic/price.ACME');
      // With '/' as separator '*' would match 'eu.ACME' too.
      await send('/topic/price.eu.ACME');
      await client.sync();
      expect(texts(star)).toEqual(['/topic/price.ACME']);
      expect(texts(deep)).toEqual(['/topic/price.ACME', '/topic/price.eu.ACME']);
    });
  });
});

/**
 * SENDs to `destination` and returns the message of the report the sender gets on its error
 * destination: what an unmapped application destination earns (`unmappedDestinations: 'report'`).
 */
async function unmappedReport(url: string, destination: string): Promise<string> {
  const raw = await RawStompClient.connect(url);
  try {
    await subscribe(raw, '/user/queue/errors');
    raw.send('SEND', { destination, receipt: 'sent' }, '{}');
    await receiptFor(raw, 'sent');
    const [report] = messagesOf(raw);
    expect(raw.frames.some((f) => f.command === 'ERROR')).toBe(false);
    return (JSON.parse(report!.text) as { message: string }).message;
  } finally {
    await closeAll(raw);
  }
}
