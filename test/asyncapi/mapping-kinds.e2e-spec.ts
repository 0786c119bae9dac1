import { Controller, Injectable, Module, type INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { IsIn, IsInt, IsString, Max, MaxLength, Min } from 'class-validator';
import { Observable, of } from 'rxjs';
import {
  AsyncApiPayload,
  AsyncApiReply,
  createAsyncApiDocument,
  DestinationVariable,
  MessageMapping,
  Payload,
  SendTo,
  SendToUser,
  StompModule,
  StompPublishes,
  SubscribeMapping,
  type AsyncApiDocument,
  type StompModuleOptions,
  generateStompClient,
} from 'nest-stomp';
import { diagnosticsOf } from '../../libs/stomp/src/cli/strict-typescript.testing.js';

class OrderDto {
  @IsString()
  @MaxLength(20)
  item!: string;

  @IsInt()
  @Min(1)
  @Max(10)
  quantity!: number;
}

class OrderPlaced {
  @IsString()
  orderId!: string;

  @IsIn(['placed', 'refused'])
  status!: string;
}

class Quote {
  @IsString()
  symbol!: string;
}

interface Ticket {
  id: string;
}

@Controller()
class OrdersController {
  @MessageMapping('/orders.{shop}.{id:\\d+}')
  @SendTo('/topic/orders.{shop}')
  place(@DestinationVariable('shop') _shop: string, @Payload() order: OrderDto): OrderPlaced {
    return { orderId: order.item, status: 'placed' };
  }

  @SubscribeMapping('/quotes')
  quotes(): Quote {
    return { symbol: 'ACME' };
  }

  @MessageMapping('/tickets')
  @SendToUser('/queue/tickets')
  @AsyncApiReply({ name: 'Ticket', schema: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] }, examples: [{ id: 't-1' }] })
  ticket(): Ticket {
    return { id: 't-1' };
  }

  @MessageMapping('/whisper')
  @SendToUser({ broadcast: false })
  whisper(text: string): Promise<string> {
    return Promise.resolve(text);
  }

  @MessageMapping('/ping')
  ping(): Observable<number> {
    return of(1);
  }

  @MessageMapping('/upload')
  @AsyncApiPayload({ description: 'The raw bytes of a file.', type: Buffer })
  upload(@Payload() _bytes: Buffer): void {}

  @MessageMapping('/order-item')
  item(@Payload('item') _item: string): void {}
}

@Injectable()
@StompPublishes('/topic/prices', { type: [Quote], description: 'Every price change.' })
class PriceFeed {
  @StompPublishes('/user/queue/alerts', Quote)
  alert(): void {}
}

async function documentOf(controllers: Function[], options: Partial<StompModuleOptions> = {}, providers: Function[] = []): Promise<AsyncApiDocument> {
  @Module({ imports: [StompModule.forRoot({ endpoint: '/stomp', ...options })], controllers: controllers as never, providers: providers as never })
  class DocumentedModule {}
  const moduleRef = await Test.createTestingModule({ imports: [DocumentedModule] }).setLogger(false as never).compile();
  const app: INestApplicationContext = moduleRef;
  await app.init();
  try {
    return createAsyncApiDocument(app);
  } finally {
    await app.close();
  }
}

function channel(document: AsyncApiDocument, address: string) {
  const entry = Object.entries(document.channels).find(([, c]) => c.address === address);
  if (!entry) throw new Error(`no channel at ${address}; there are ${Object.values(document.channels).map((c) => c.address).join(', ')}`);
  return { id: entry[0], ...entry[1] };
}

function operationsOn(document: AsyncApiDocument, address: string) {
  const { id } = channel(document, address);
  return Object.values(document.operations).filter((operation) => operation.channel.$ref === `#/channels/${id}`);
}

describe('the AsyncAPI document, per mapping kind', () => {
  let document: AsyncApiDocument;

  beforeAll(async () => {
    document = await documentOf([OrdersController], {}, [PriceFeed]);
  });

  it('gives a raw WebSocket endpoint one server', () => {
    expect(document.servers).toEqual({ 'stomp-websocket': expect.objectContaining({ host: 'localhost', protocol: 'stomp', pathname: '/stomp' }) });
    expect(document.info).toEqual({ title: 'STOMP API', version: '1.0.0' });
  });

  it('@MessageMapping with variables: the application prefix, channel parameters, the payload class with its constraints', () => {
    const orders = channel(document, '/app/orders.{shop}.{id}');
    expect(Object.keys(orders.parameters!)).toEqual(['shop', 'id']);
    expect(orders.parameters!.id!.description).toContain('/\\d+/');
    expect(Object.values(orders.messages)[0]!.payload).toEqual({ $ref: '#/components/schemas/OrderDto' });
    expect(document.components.schemas.OrderDto).toEqual(
      expect.objectContaining({
        properties: { item: expect.objectContaining({ type: 'string', maxLength: 20 }), quantity: expect.objectContaining({ type: 'integer', minimum: 1, maximum: 10 }) },
        required: ['item', 'quantity'],
      }),
    );
    expect(operationsOn(document, '/app/orders.{shop}.{id}')).toEqual([expect.objectContaining({ action: 'receive', title: 'SEND /app/orders.{shop}.{id}' })]);
  });

  it('@SendTo: a send operation on the broker destination, the return class as its payload', () => {
    const topic = channel(document, '/topic/orders.{shop}');
    expect(Object.keys(topic.parameters!)).toEqual(['shop']);
    expect(topic.messages.OrderPlaced!.payload).toEqual({ $ref: '#/components/schemas/OrderPlaced' });
    expect(document.components.schemas.OrderPlaced).toEqual(expect.objectContaining({ required: ['orderId', 'status'] }));
    expect((document.components.schemas.OrderPlaced as any).properties.status).toEqual(expect.objectContaining({ enum: ['placed', 'refused'] }));
    expect(operationsOn(document, '/topic/orders.{shop}')).toEqual([expect.objectContaining({ action: 'send', summary: expect.stringContaining('@SendTo') })]);
  });

  it('@SubscribeMapping: request and reply on the same destination', () => {
    const quotes = channel(document, '/app/quotes');
    const [operation] = operationsOn(document, '/app/quotes');
    expect(operation).toEqual(
      expect.objectContaining({
        action: 'receive',
        title: 'SUBSCRIBE /app/quotes',
        messages: [{ $ref: `#/channels/${quotes.id}/messages/subscribe` }],
        reply: { channel: { $ref: `#/channels/${quotes.id}` }, messages: [{ $ref: `#/channels/${quotes.id}/messages/Quote` }] },
      }),
    );
    expect(quotes.messages.subscribe!.payload).toBeUndefined();
  });

  it('@SendToUser: a user destination, as a reply to the sender and a send operation; @AsyncApiReply describes an interface', () => {
    const tickets = channel(document, '/user/queue/tickets');
    expect(tickets.messages.Ticket).toEqual(expect.objectContaining({ payload: expect.objectContaining({ required: ['id'] }), examples: [{ payload: { id: 't-1' } }] }));
    const [receive] = operationsOn(document, '/app/tickets');
    expect(receive!.reply!.channel).toEqual({ $ref: `#/channels/${tickets.id}` });
    expect(operationsOn(document, '/user/queue/tickets')).toEqual([expect.objectContaining({ action: 'send' })]);
  });

  it('@SendToUser() without a destination: /user/queue + the mapping; a Promise reply is marked as not inferred', () => {
    const whisper = channel(document, '/user/queue/whisper');
    const [message] = Object.values(whisper.messages);
    expect(message!.payload).toBeUndefined();
    expect(message!.description).toContain('@AsyncApiReply');
    expect(Object.values(channel(document, '/app/whisper').messages)[0]).toEqual(expect.objectContaining({ payload: { type: 'string' }, contentType: 'text/plain;charset=UTF-8' }));
  });

  it('no @SendTo: the default destination /topic + the mapping', () => {
    expect(operationsOn(document, '/topic/ping')).toEqual([expect.objectContaining({ action: 'send', summary: expect.stringContaining('default destination') })]);
  });

  it('a void handler has no reply; @AsyncApiPayload describes a Buffer; @Payload(property) reads one property', () => {
    expect(() => channel(document, '/topic/upload')).toThrow('no channel');
    expect(Object.values(channel(document, '/app/upload').messages)[0]).toEqual(
      expect.objectContaining({ contentType: 'application/octet-stream', description: 'The raw bytes of a file.', payload: { type: 'string', format: 'binary' } }),
    );
    expect(Object.values(channel(document, '/app/order-item').messages)[0]!.payload).toEqual({
      type: 'object',
      properties: { item: { type: 'string' } },
      required: ['item'],
    });
  });

  it('the error destination, with the error report schema', () => {
    const errors = channel(document, '/user/queue/errors');
    expect(errors.messages.StompErrorReport!.payload).toEqual(expect.objectContaining({ required: ['destination', 'error', 'message'] }));
    expect(operationsOn(document, '/user/queue/errors')).toEqual([expect.objectContaining({ action: 'send' })]);
  });

  it('destinations declared with @StompPublishes, on a provider with no handler', () => {
    const prices = channel(document, '/topic/prices');
    expect(prices.messages).toEqual({
      QuoteList: expect.objectContaining({ description: 'Every price change.', payload: { type: 'array', items: { $ref: '#/components/schemas/Quote' } } }),
    });
    expect(operationsOn(document, '/topic/prices')).toEqual([expect.objectContaining({ action: 'send', summary: expect.stringContaining('PriceFeed') })]);
    expect(channel(document, '/user/queue/alerts').messages.Quote!.payload).toEqual({ $ref: '#/components/schemas/Quote' });
  });
});

describe('the typed client of a document with every mapping kind', () => {
  it('has a method per destination with its payload type, and compiles under the strictest settings', async () => {
    const source = generateStompClient(await documentOf([OrdersController], {}, [PriceFeed]));
    for (const method of [
      'send(shop: string, id: string, payload: OrderDto, headers?: StompHeaders): void;', // /app/orders.{shop}.{id:\\d+}
      'subscribe(shop: string, onMessage: (payload: OrderPlaced, message: IMessage) => void, headers?: StompHeaders): StompSubscription;',
      'get(options?: RequestOptions): Promise<Quote>;',
      'send(payload: Uint8Array, headers?: StompHeaders): void;', // Buffer
      'send(payload: string, headers?: StompHeaders): void;', // string, text/plain
      'subscribe(onMessage: (payload: Ticket, message: IMessage) => void, headers?: StompHeaders): StompSubscription;', // @SendToUser
      'subscribe(onMessage: (payload: QuoteList, message: IMessage) => void, headers?: StompHeaders): StompSubscription;', // @StompPublishes
      'subscribe(onMessage: (payload: StompErrorReport, message: IMessage) => void, headers?: StompHeaders): StompSubscription;',
    ]) {
      expect(source).toContain(method);
    }
    expect(source).toContain('export type OrdersControllerItemPayload = {\n  item: string;\n};'); // @Payload('item')
    expect(source).toContain("export type OrderPlaced = {\n  orderId: string;\n  status: 'placed' | 'refused';\n};");
    expect(diagnosticsOf({ 'client.ts': source })).toEqual([]);
  }, 60_000);
});

describe('the AsyncAPI document follows the options and the handlers', () => {
  it('declared through asyncApi.publishes, with the info given; no error destination when it is off', async () => {
    const document = await documentOf([OrdersController], {
      errorDestination: false,
      appPrefixes: ['/app', '/api'],
      asyncApi: { info: { title: 'Shop', version: '2.1.0', description: 'Orders' }, host: 'shop.example', publishes: [{ destination: '/topic/news', schema: { type: 'string' } }] },
    });
    expect(document.info).toEqual({ title: 'Shop', version: '2.1.0', description: 'Orders' });
    expect(document.servers['stomp-websocket']!.host).toBe('shop.example');
    expect(Object.values(channel(document, '/topic/news').messages)[0]!.payload).toEqual({ type: 'string' });
    expect(() => channel(document, '/user/queue/errors')).toThrow('no channel');
    expect(channel(document, '/api/quotes').address).toBe('/api/quotes');
    expect(document['x-stomp']).toEqual({ applicationDestinationPrefixes: ['/app/', '/api/'], userDestinationPrefix: '/user/' });
  });

  it('shows a handler added to the application', async () => {
    @Controller()
    class AuditController {
      @MessageMapping('/audit')
      @SendTo('/topic/audit')
      audit(entry: OrderDto): OrderDto {
        return entry;
      }
    }
    const before = await documentOf([OrdersController]);
    const after = await documentOf([OrdersController, AuditController]);
    expect(Object.values(before.channels).map((c) => c.address)).not.toContain('/app/audit');
    expect(channel(after, '/app/audit').messages.OrderDto!.payload).toEqual({ $ref: '#/components/schemas/OrderDto' });
    expect(operationsOn(after, '/topic/audit')).toEqual([expect.objectContaining({ action: 'send', summary: expect.stringContaining('AuditController.audit') })]);
    // What was there is unchanged.
    for (const [id, existing] of Object.entries(before.channels)) expect(after.channels[id]).toEqual(existing);
  });
});
