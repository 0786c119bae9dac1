import { jest } from '@jest/globals';
import { Controller, Injectable, Logger, Module, type CallHandler, type ExecutionContext, type NestInterceptor, UseInterceptors } from '@nestjs/common';
import { map, of, type Observable } from 'rxjs';
import { MessageMapping, SendTo, SimpMessagingTemplate, StompContext, StompDestinationError, StompModule } from 'nest-stomp';
import { createStompTestClient, type StompTestClient } from 'nest-stomp/testing';
import { startApp, type RunningApp } from '../support/apps.js';

/** Records what each handler was called with. */
@Injectable()
class Calls {
  readonly seen: Array<{ handler: string; payload: unknown; context?: StompContext }> = [];
}

@Controller()
@MessageMapping('/orders')
class OrdersController {
  constructor(private readonly calls: Calls) {}

  // Class prefix + method mapping: /app/orders/create; no @SendTo → /topic/orders/create
  @MessageMapping('/create')
  create(order: { id: number }, context: StompContext) {
    this.calls.seen.push({ handler: 'create', payload: order, context });
    return { created: order.id };
  }

  @MessageMapping('/fan-out')
  @SendTo('/topic/a', '/topic/b')
  fanOut(payload: unknown) {
    return payload;
  }

  @MessageMapping('/later')
  @SendTo('/topic/later')
  async later(payload: { n: number }) {
    await Promise.resolve();
    return { n: payload.n + 1 };
  }

  @MessageMapping('/stream')
  @SendTo('/topic/stream')
  stream(): Observable<string> {
    return of('first', 'last');
  }

  @MessageMapping('/silent')
  @SendTo('/topic/silent')
  silent(payload: unknown): void {
    this.calls.seen.push({ handler: 'silent', payload });
  }

  @MessageMapping('/text')
  @SendTo('/topic/text')
  text(payload: unknown) {
    return `got ${typeof payload}: ${String(payload)}`;
  }

  @MessageMapping('/binary')
  @SendTo('/topic/binary')
  binary(payload: unknown) {
    this.calls.seen.push({ handler: 'binary', payload });
    return Buffer.from([0, 1, 2, 255]);
  }

  @MessageMapping('/room.{roomId}')
  @SendTo('/topic/room.{roomId}')
  room(payload: unknown) {
    return payload;
  }

  @MessageMapping('/fail')
  @SendTo('/topic/fail')
  fail(): never {
    throw new Error('handler exploded');
  }
}

class Upper implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const type = context.getType<string>();
    return next.handle().pipe(map((value) => ({ value, type })));
  }
}

/** A provider, not a controller, with a handler that publishes through the template. */
@Injectable()
class Notifier {
  constructor(private readonly messaging: SimpMessagingTemplate) {}

  @MessageMapping('/notify')
  async notify(payload: { to: string; text: string }) {
    await this.messaging.convertAndSend(`/topic/${payload.to}`, { text: payload.text }, { 'x-origin': 'notifier' });
  }

  @MessageMapping('/intercepted')
  @SendTo('/topic/intercepted')
  @UseInterceptors(Upper)
  intercepted(payload: unknown) {
    return payload;
  }
}

@Module({
  imports: [StompModule.forRoot({ endpoint: '/ws' })],
  controllers: [OrdersController],
  providers: [Calls, Notifier],
})
class HandlersTestModule {}

describe('@MessageMapping handlers', () => {
  let server: RunningApp;
  let client: StompTestClient;

  beforeAll(async () => {
    server = await startApp(HandlersTestModule);
    client = await createStompTestClient(server.app, { timeout: 10_000 }).connect();
  });

  afterAll(async () => {
    await client.disconnect();
    await server.close();
  });

  it('combines class and method mappings and replies to the default destination', async () => {
    const inbox = await client.subscribe('/topic/orders/create');
    await client.send('/app/orders/create', { id: 7 }, { 'x-trace': 't1' });
    const message = await inbox.next();
    expect(message.json()).toEqual({ created: 7 });
    const call = server.app.get(Calls).seen.find((c) => c.handler === 'create')!;
    expect(call.payload).toEqual({ id: 7 });
    expect(call.context).toBeInstanceOf(StompContext);
    expect(call.context!.destination).toBe('/app/orders/create');
    expect(call.context!.headers['x-trace']).toBe('t1');
  });

  it('sends the return value to every @SendTo destination', async () => {
    const a = await client.subscribe('/topic/a');
    const b = await client.subscribe('/topic/b');
    await client.send('/app/orders/fan-out', [1, 2]);
    expect((await a.next()).json()).toEqual([1, 2]);
    expect((await b.next()).json()).toEqual([1, 2]);
  });

  it('awaits a Promise, and sends the RECEIPT after the reply was published', async () => {
    const inbox = await client.subscribe('/topic/later');
    await client.send('/app/orders/later', { n: 1 });
    // The reply went out before the RECEIPT on the same connection: it is already here.
    expect(inbox.messages.map((m) => m.json())).toEqual([{ n: 2 }]);
  });

  it('sends the last value of an Observable, as Nest HTTP handlers do', async () => {
    const inbox = await client.subscribe('/topic/stream');
    await client.send('/app/orders/stream');
    expect(inbox.messages.map((m) => m.text)).toEqual(['last']);
    expect(inbox.messages[0]!.headers['content-type']).toBe('text/plain;charset=UTF-8');
  });

  it('sends nothing when the handler returns nothing', async () => {
    const inbox = await client.subscribe('/topic/silent');
    await client.send('/app/orders/silent', { quiet: true });
    await client.send('/app/orders/later', { n: 0 });
    expect(server.app.get(Calls).seen.some((c) => c.handler === 'silent')).toBe(true);
    expect(inbox.messages).toHaveLength(0);
  });

  it('converts payloads by content type: text/* → string, no content-type → JSON', async () => {
    const inbox = await client.subscribe('/topic/text');
    await client.send('/app/orders/text', 'plain words', { 'content-type': 'text/plain' });
    await client.send('/app/orders/text', '42', { 'content-type': undefined });
    expect(inbox.messages.map((m) => m.text)).toEqual(['got string: plain words', 'got number: 42']);
  });

  it('passes application/octet-stream as a Buffer and sends a Buffer as a binary WebSocket message', async () => {
    const inbox = await client.subscribe('/topic/binary');
    // A binary WebSocket message with content-length, NUL byte inside.
    await client.send('/app/orders/binary', Buffer.from([0xde, 0xad, 0x00, 0xbe, 0xef]));
    const message = await inbox.next();
    expect(message.binary).toBe(true);
    expect(message.headers['content-type']).toBe('application/octet-stream');
    expect([...message.body]).toEqual([0, 1, 2, 255]);
    const call = server.app.get(Calls).seen.find((c) => c.handler === 'binary')!;
    expect(Buffer.isBuffer(call.payload) && [...(call.payload as Buffer)]).toEqual([0xde, 0xad, 0x00, 0xbe, 0xef]);
  });

  it('fills {var} placeholders of @SendTo from the mapped destination', async () => {
    const inbox = await client.subscribe('/topic/room.42');
    await client.send('/app/orders/room.42', { hello: 'room' });
    expect((await inbox.next()).json()).toEqual({ hello: 'room' });
  });

  it('finds handlers on providers too; SimpMessagingTemplate publishes with custom headers', async () => {
    const inbox = await client.subscribe('/topic/alice');
    await client.send('/app/notify', { to: 'alice', text: 'ping' });
    const message = await inbox.next();
    expect(message.json()).toEqual({ text: 'ping' });
    expect(message.headers['x-origin']).toBe('notifier');
    expect(message.headers['content-type']).toBe('application/json;charset=UTF-8');
  });

  it("runs Nest interceptors, with the execution context type 'stomp'", async () => {
    const inbox = await client.subscribe('/topic/intercepted');
    // The JSON string "x", without a content type: taken as JSON.
    await client.send('/app/intercepted', JSON.stringify('x'), { 'content-type': undefined });
    expect((await inbox.next()).json()).toEqual({ value: 'x', type: 'stomp' });
  });

  it('logs a failing handler, tells its sender on /user/queue/errors, and keeps the session going', async () => {
    const errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    try {
      const inbox = await client.subscribe('/topic/fail');
      const reports = await client.subscribe('/user/queue/errors');
      await client.send('/app/orders/fail', {});
      expect(errors.mock.calls.some(([text]) => String(text).includes("OrdersController.fail failed on a SEND to '/app/orders/fail'"))).toBe(true);
      expect(errors.mock.calls.some(([text]) => String(text).includes('handler exploded'))).toBe(true);
      expect(inbox.messages).toHaveLength(0);
      // An unexpected error's text may hold internals: the sender learns what failed, not why.
      const report = await reports.next();
      expect(report.json()).toEqual({ destination: '/app/orders/fail', error: 'InternalServerError', message: 'Internal server error' });
      expect(report.destination).toBe('/user/queue/errors');
      // Still connected: a later round trip works.
      const later = await client.subscribe('/topic/later-check');
      await client.send('/topic/later-check', 'ok', { 'content-type': 'text/plain' });
      expect((await later.next()).text).toBe('ok');
    } finally {
      errors.mockRestore();
    }
  });

  it('rejects a template send to a non-broker destination, loudly', async () => {
    const template = server.app.get(SimpMessagingTemplate);
    await expect(template.convertAndSend('/app/orders/create', {})).rejects.toBeInstanceOf(StompDestinationError);
    await expect(template.convertAndSend('/elsewhere', {})).rejects.toThrow("Cannot send to '/elsewhere': it matches no broker prefix (/topic/, /queue/)");
  });
});
