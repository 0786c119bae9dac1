import { StompClientGenerationError } from '../errors/stomp-client-generation.error.js';
import { generateStompClient } from './generate-stomp-client.js';
import { diagnosticsOf } from './strict-typescript.testing.js';

const ref = (pointer: string) => ({ $ref: pointer });

/** A document with one of everything the generator handles. */
function richDocument(): Record<string, any> {
  const message = (name: string, payload: unknown, contentType = 'application/json') => ({ name, contentType, payload });
  return {
    asyncapi: '3.0.0',
    info: { title: 'Shop', version: '2.0.0' },
    defaultContentType: 'application/json',
    channels: {
      orders: { address: '/app/orders.{region}.{class}', messages: { OrderDto: message('OrderDto', ref('#/components/schemas/OrderDto')) } },
      notes: { address: '/app/notes', messages: { note: message('Note', { type: 'string' }, 'text/plain;charset=UTF-8') } },
      upload: { address: '/app/upload', messages: { bytes: message('Upload', { type: 'string', format: 'binary' }, 'application/octet-stream') } },
      wild: { address: '/app/audit.**', messages: { entry: message('AuditEntry', { type: 'object', properties: { at: { type: 'integer' } }, required: ['at'] }) } },
      catalog: {
        address: '/app/catalog',
        messages: { subscribe: { name: 'subscribe', contentType: 'application/json' }, Catalog: message('Catalog', { type: 'array', items: ref('#/components/schemas/Item') }) },
      },
      orderEvents: { address: '/topic/orders.{region}', messages: { Update: message('Update', { type: 'object', properties: { state: { enum: ['new', 'paid'] } }, required: ['state'] }) } },
      topicNews: { address: '/topic/news', messages: { Update: message('Update', { type: 'object', properties: { headline: { type: 'string', nullable: true } }, required: ['headline'] }) } },
      queueNews: { address: '/queue/news', messages: { Update: message('Update', { type: 'object', properties: { headline: { type: 'string', nullable: true } }, required: ['headline'] }) } },
      receipts: { address: '/user/queue/receipts', messages: { Receipt: message('Receipt', ref('#/components/schemas/Client')) } },
      errors: { address: '/user/queue/errors', messages: { StompErrorReport: message('StompErrorReport', ref('#/components/schemas/StompErrorReport')) } },
    },
    operations: {
      placeOrder: { action: 'receive', channel: ref('#/channels/orders'), messages: [ref('#/channels/orders/messages/OrderDto')], summary: 'Places an order.', 'x-stomp-frame': 'SEND' },
      note: { action: 'receive', channel: ref('#/channels/notes'), messages: [ref('#/channels/notes/messages/note')], 'x-stomp-frame': 'SEND' },
      upload: { action: 'receive', channel: ref('#/channels/upload'), messages: [ref('#/channels/upload/messages/bytes')], 'x-stomp-frame': 'SEND' },
      audit: { action: 'receive', channel: ref('#/channels/wild'), messages: [ref('#/channels/wild/messages/entry')], 'x-stomp-frame': 'SEND' },
      catalog: {
        action: 'receive',
        channel: ref('#/channels/catalog'),
        messages: [ref('#/channels/catalog/messages/subscribe')],
        reply: { channel: ref('#/channels/catalog'), messages: [ref('#/channels/catalog/messages/Catalog')] },
        'x-stomp-frame': 'SUBSCRIBE',
      },
      orderEvents: { action: 'send', channel: ref('#/channels/orderEvents'), messages: [ref('#/channels/orderEvents/messages/Update')] },
      topicNews: { action: 'send', channel: ref('#/channels/topicNews'), messages: [ref('#/channels/topicNews/messages/Update')] },
      queueNews: { action: 'send', channel: ref('#/channels/queueNews'), messages: [ref('#/channels/queueNews/messages/Update')] },
      receipts: { action: 'send', channel: ref('#/channels/receipts'), messages: [ref('#/channels/receipts/messages/Receipt')] },
      reportError: { action: 'send', channel: ref('#/channels/errors'), messages: [ref('#/channels/errors/messages/StompErrorReport')] },
    },
    components: {
      schemas: {
        OrderDto: {
          type: 'object',
          properties: { items: { type: 'array', items: ref('#/components/schemas/Item') }, note: { type: 'string' }, priority: { type: 'integer', enum: [1, 2, 3] } },
          required: ['items'],
        },
        Item: {
          type: 'object',
          properties: { sku: { type: 'string' }, parts: { type: 'array', items: ref('#/components/schemas/Item') }, attributes: { type: 'object', additionalProperties: { type: 'string' } } },
          required: ['sku'],
          additionalProperties: false,
        },
        Client: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
        StompErrorReport: {
          type: 'object',
          properties: { destination: { type: 'string' }, error: { type: 'string' }, message: { type: 'string' }, details: { type: 'array', items: { type: 'string' } } },
          required: ['destination', 'error', 'message'],
        },
      },
    },
    'x-stomp': { applicationDestinationPrefixes: ['/app/'], userDestinationPrefix: '/user/', errorDestination: '/user/queue/errors' },
  };
}

/** Code a user writes against the rich document's client; every `@ts-expect-error` must be one. */
const RICH_DRIVER = `import type { Client } from '@stomp/stompjs';
import { createStompApi, StompReplyError, type Catalog, type Client2, type StompErrorReport, type Update, type Update2 } from './client.js';

export async function use(client: Client): Promise<string[]> {
  const api = createStompApi(client);
  api.orders.send('eu', 'b2b', { items: [{ sku: 'a', parts: [{ sku: 'b' }], attributes: { colour: 'red' } }], priority: 2 });
  api.notes.send('plain text');
  api.upload.send(new Uint8Array([1, 2]));
  api.audit.send('/app/audit.2024/01', { at: 1 });
  const seen: string[] = [];
  const updates = api.orders.subscribe('eu', (update: Update2) => seen.push(update.state));
  api.topicNews.subscribe((update: Update) => seen.push(update.headline ?? 'none'));
  api.queueNews.subscribe((update) => seen.push(update.headline ?? 'none'));
  api.receipts.subscribe((receipt: Client2) => seen.push(receipt.id));
  api.errors.subscribe((report: StompErrorReport, frame) => seen.push(report.details?.[0] ?? report.message, frame.headers['message-id'] ?? ''));
  updates.unsubscribe();
  try {
    const catalog: Catalog = await api.catalog.get({ timeout: 1000 });
    seen.push(catalog[0]?.sku ?? '');
  } catch (error) {
    if (error instanceof StompReplyError) seen.push(error.report.destination, error.report.details?.join() ?? '');
  }
  // @ts-expect-error items is required
  api.orders.send('eu', 'b2b', { note: 'x' });
  // @ts-expect-error priority is 1, 2 or 3
  api.orders.send('eu', 'b2b', { items: [], priority: 4 });
  // @ts-expect-error Item allows no other property
  api.orders.send('eu', 'b2b', { items: [{ sku: 'a', colour: 'red' }] });
  // @ts-expect-error the region is a destination variable
  api.orders.send({ items: [] });
  // @ts-expect-error a pattern takes a destination it matches
  api.audit.send('/app/other', { at: 1 });
  // @ts-expect-error the state is 'new' or 'paid'
  api.orders.subscribe('eu', (update) => update.state === 'shipped');
  // @ts-expect-error exactOptionalPropertyTypes: an optional property is absent, not undefined
  api.orders.send('eu', 'b2b', { items: [], note: undefined });
  return seen;
}
`;

describe('generateStompClient', () => {
  it('writes a client that compiles under strict, noUncheckedIndexedAccess and exactOptionalPropertyTypes, and rejects wrong payloads', () => {
    const source = generateStompClient(richDocument());
    expect(diagnosticsOf({ 'client.ts': source, 'driver.ts': RICH_DRIVER })).toEqual([]);
  }, 60_000);

  it.each([
    ['only sends', ['placeOrder'], ['Client', 'StompHeaders'], ['publish(']],
    ['only subscriptions', ['orderEvents'], ['Client', 'IMessage', 'StompHeaders', 'StompSubscription'], ['subscribe<T>(', 'decode(']],
    ['only a get', ['catalog'], ['Client', 'IMessage', 'StompHeaders', 'StompSubscription'], ['request<T>(', 'decode(', 'StompReplyError']],
    ['nothing', [], ['Client'], []],
  ])('with %s, writes only the helpers and imports its methods use (noUnusedLocals passes)', (_, kept, imports, helpers) => {
    const document = richDocument();
    document.operations = Object.fromEntries(Object.entries(document.operations).filter(([id]) => kept.includes(id)));
    const source = generateStompClient(document);
    expect(source).toContain(`import type { ${imports.join(', ')} } from '@stomp/stompjs';`);
    const written = ['publish(', 'subscribe<T>(', 'request<T>(', 'decode(', 'StompReplyError'].filter((helper) => source.includes(`function ${helper}`) || source.includes(`class ${helper}`));
    expect(written).toEqual(helpers);
    expect(diagnosticsOf({ 'client.ts': source })).toEqual([]);
  }, 60_000);

  it('is deterministic: the same document gives the same text, whatever the order of its keys', () => {
    const document = richDocument();
    const reverse = (entries: Record<string, unknown>) => Object.fromEntries(Object.entries(entries).reverse());
    const reordered = JSON.parse(
      JSON.stringify({
        ...document,
        channels: reverse(document.channels),
        operations: reverse(document.operations),
        components: { schemas: reverse(document.components.schemas) },
      }),
    );
    const first = generateStompClient(document);
    expect(generateStompClient(JSON.parse(JSON.stringify(document)))).toBe(first);
    expect(generateStompClient(reordered)).toBe(first);
    expect(first).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
  });

  it('has no import but the types of @stomp/stompjs', () => {
    const imports = generateStompClient(richDocument()).match(/^import .*$/gm);
    expect(imports).toEqual(["import type { Client, IMessage, StompHeaders, StompSubscription } from '@stomp/stompjs';"]);
  });

  it('names each destination after its address without the prefixes; a send and a subscribe of one name share it', () => {
    const document = richDocument();
    document.channels.orderEvents.address = '/topic/orders.{region}.{class}';
    const source = generateStompClient(document);
    expect(members(source)).toEqual(['audit', 'catalog', 'errors', 'notes', 'orders', 'queueNews', 'receipts', 'topicNews', 'upload']);
    expect(source).toContain('send(region: string, classValue: string, payload: OrderDto, headers?: StompHeaders): void;');
    expect(source).toContain('subscribe(region: string, classValue: string, onMessage: (payload: Update2, message: IMessage) => void, headers?: StompHeaders): StompSubscription;');
    expect(source).toContain('publish(client, `/app/orders.${region}.${classValue}`, payload');
    // A variable named after a helper the methods call does not hide it.
    document.channels.orders.address = '/app/orders.{publish}.{payload}';
    expect(generateStompClient(document)).toContain('send: (publishValue, payloadValue, payload, headers) => publish(client, `/app/orders.${publishValue}.${payloadValue}`, payload');
    expect(source).toContain('send(destination: `/app/audit.${string}`, payload: AuditEntry, headers?: StompHeaders): void;');
    expect(source).toContain('get(options?: RequestOptions): Promise<Catalog>;');
  });

  it('gives two destinations that would share a name and a verb their whole addresses as names', () => {
    const source = generateStompClient(richDocument());
    expect(source).toMatch(/readonly queueNews: \{\n[^}]*subscribe\(onMessage: \(payload: Update,/);
    expect(source).toMatch(/readonly topicNews: \{\n[^}]*subscribe\(onMessage: \(payload: Update,/);
  });

  it('shares a type name between equal types and numbers different ones; its own names stay its own', () => {
    const source = generateStompClient(richDocument());
    // Named in the order of the addresses: /queue/news, /topic/news, then /topic/orders...
    expect(source).toContain('export type Update = {\n  headline: string | null;\n};');
    expect(source).toContain("export type Update2 = {\n  state: 'new' | 'paid';\n};");
    expect(source.match(/export type Update =/g)).toHaveLength(1);
    expect(source).toContain('export type Client2 = {');
    expect(source).not.toMatch(/export type Client =/);
  });

  it('sends text as text and bytes as bytes, with their content types', () => {
    const source = generateStompClient(richDocument());
    expect(source).toContain("send(payload: string, headers?: StompHeaders): void;");
    expect(source).toContain("publish(client, '/app/notes', payload, 'text', 'text/plain;charset=UTF-8', headers)");
    expect(source).toContain('send(payload: Uint8Array, headers?: StompHeaders): void;');
    expect(source).toContain("publish(client, '/app/upload', payload, 'binary', 'application/octet-stream', headers)");
  });

  it('marks the error destination', () => {
    const source = generateStompClient(richDocument());
    expect(source).toMatch(/The error destination: why a message this session sent failed\.\n\s+\*\/\n\s+subscribe\(onMessage: \(payload: StompErrorReport,/);
  });

  it('reads a document without the x-stomp extension: a reply on its own channel is a @SubscribeMapping', () => {
    const document = richDocument();
    delete document['x-stomp'];
    for (const operation of Object.values<any>(document.operations)) delete operation['x-stomp-frame'];
    const source = generateStompClient(document);
    expect(source).toContain('get(options?: RequestOptions): Promise<Catalog>;');
    expect(members(source)).toContain('orders');
    // No error destination known: a get() waits for its reply alone.
    expect(source).toContain("get: (options) => request<Catalog>(client, '/app/catalog', options, undefined),");
    expect(source).toContain('readonly report: unknown;');
    expect(diagnosticsOf({ 'client.ts': source })).toEqual([]);
  }, 60_000);

  it("listens on the error destination during a get(), so a failing handler's report rejects it with StompReplyError", () => {
    const source = generateStompClient(richDocument());
    expect(source).toContain("get: (options) => request<Catalog>(client, '/app/catalog', options, '/user/queue/errors'),");
    expect(source).toContain('export class StompReplyError extends Error {\n  readonly report: StompErrorReport;');
    expect(source).toContain('Rejects with a StompReplyError when the handler fails (its report on /user/queue/errors).');
  });

  it.each([
    [[], 'Invalid AsyncAPI document at $: the document is not a JSON object'],
    [{ asyncapi: '2.6.0' }, 'Invalid AsyncAPI document at $.asyncapi: expected an AsyncAPI 3.x document, found "2.6.0"'],
    [{ openapi: '3.1.0' }, 'expected an AsyncAPI 3.x document, found no asyncapi field'],
    [{ asyncapi: '3.0.0', channels: { a: { messages: {} } } }, 'at $.channels.a.address: a channel needs the destination as its address'],
    [{ asyncapi: '3.0.0', operations: { op: { action: 'publish' } } }, "at $.operations.op.action: expected 'send' or 'receive'"],
    [{ asyncapi: '3.0.0', operations: { op: { action: 'send', channel: ref('#/channels/none') } } }, 'at $.operations.op.channel: expected a $ref to one of the channels'],
    [
      { asyncapi: '3.0.0', channels: { a: { address: '/a', messages: {} } }, operations: { op: { action: 'send', channel: ref('#/channels/a'), messages: [ref('#/channels/a/messages/x')] } } },
      "at $.operations.op.messages[0]: the reference '#/channels/a/messages/x' points at nothing",
    ],
  ])('refuses %j with a StompClientGenerationError naming where', (document, message) => {
    const error = catchError(() => generateStompClient(document));
    expect(error).toBeInstanceOf(StompClientGenerationError);
    expect(error).toMatchObject({ code: 'STOMP_ERR_INVALID_DOCUMENT' });
    expect(error.message).toContain(message);
  });
});

function members(source: string): string[] {
  return [...source.matchAll(/^ {2}readonly (\w+): \{$/gm)].map(([, name]) => name!);
}

function catchError(action: () => unknown): Error {
  try {
    action();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}
