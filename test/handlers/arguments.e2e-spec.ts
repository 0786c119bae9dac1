import { Controller, createParamDecorator, Injectable, Module, ParseIntPipe, ValidationPipe, type ExecutionContext } from '@nestjs/common';
import { IsInt, IsNotEmpty, IsString, Min } from 'class-validator';
import {
  getStompContext,
  Header,
  Headers,
  Message,
  MessageMapping,
  Payload,
  Principal,
  SendTo,
  SessionAttributes,
  SessionId,
  StompContext,
  StompModule,
  type StompPrincipal,
} from 'nest-stomp';
import { createStompTestClient, type StompTestClient, type StompTestHeaders, type StompTestPayload, type StompTestSubscription } from 'nest-stomp/testing';
import { startApp, type RunningApp } from '../support/apps.js';

class CreateItemDto {
  @IsString()
  @IsNotEmpty()
  name!: string;

  @IsInt()
  @Min(1)
  quantity!: number;
}

/** A user's own parameter decorator, reading the STOMP context in both supported ways. */
const Destination = createParamDecorator((_: unknown, ctx: ExecutionContext) => getStompContext(ctx)?.destination);
const SessionOf = createParamDecorator((field: 'id' | 'user', ctx: ExecutionContext) => {
  const context = ctx.getArgByIndex<StompContext>(1);
  return field === 'id' ? context.session.id : context.session.principal?.name;
});

/** What handlers were called with, for the values JSON cannot carry (instances, Maps). */
@Injectable()
class Seen {
  readonly calls: Array<{ handler: string; args: unknown[] }> = [];

  record(handler: string, ...args: unknown[]): void {
    this.calls.push({ handler, args });
  }

  last(handler: string): unknown[] {
    const call = this.calls.filter((c) => c.handler === handler).at(-1);
    if (!call) throw new Error(`${handler} was not called`);
    return call.args;
  }
}

@Controller()
@SendTo('/topic/args')
class ArgumentsController {
  constructor(private readonly seen: Seen) {}

  @MessageMapping('/explicit')
  explicit(@Payload() body: { a: number }) {
    return { handler: 'explicit', body };
  }

  @MessageMapping('/implicit')
  implicit(body: { a: number }) {
    return { handler: 'implicit', body };
  }

  @MessageMapping('/field')
  field(@Payload('name') name: string, @Payload('missing') missing: unknown) {
    return { handler: 'field', name, missing: missing === undefined ? 'undefined' : missing };
  }

  @MessageMapping('/headers')
  headers(@Header('x-trace') trace: string, @Header('x-absent') absent: string | undefined, @Headers() all: Record<string, string>) {
    return { handler: 'headers', trace, absent: absent ?? null, all };
  }

  @MessageMapping('/who')
  who(@Principal() principal: StompPrincipal | undefined, @SessionId() sessionId: string) {
    return { handler: 'who', principal: principal ?? null, sessionId };
  }

  @MessageMapping('/count')
  count(@SessionAttributes() attributes: Map<string, unknown>, @SessionId() sessionId: string) {
    this.seen.record('count', attributes);
    const next = ((attributes.get('count') as number | undefined) ?? 0) + 1;
    attributes.set('count', next);
    return { handler: 'count', sessionId, count: next };
  }

  @MessageMapping('/message')
  message(@Message() context: StompContext, @Payload() body: unknown) {
    this.seen.record('message', context, body);
    return { handler: 'message' };
  }

  // Undecorated: the StompContext-typed parameter gets the context, the other one the payload.
  @MessageMapping('/typed')
  typed(context: StompContext, body: { b: number }) {
    this.seen.record('typed', context, body);
    return { handler: 'typed', body, destination: context.destination };
  }

  @MessageMapping('/custom')
  custom(@Destination() destination: string, @SessionOf('id') sessionId: string, @SessionOf('user') user: string | undefined) {
    return { handler: 'custom', destination, sessionId, user: user ?? null };
  }

  @MessageMapping('/validated')
  validated(@Payload(new ValidationPipe({ transform: true })) item: CreateItemDto) {
    this.seen.record('validated', item);
    return { handler: 'validated', item };
  }

  @MessageMapping('/int-header')
  intHeader(@Header('x-count', new ParseIntPipe()) count: number) {
    return { handler: 'intHeader', count, type: typeof count };
  }

  // The same with the pipe given as a class, as `@Param('id', ParseIntPipe)` in HTTP controllers.
  @MessageMapping('/int-header-class')
  intHeaderClass(@Header('x-count', ParseIntPipe) count: number) {
    return { handler: 'intHeaderClass', count, type: typeof count };
  }
}

@Module({
  imports: [StompModule.forRoot({ endpoint: '/ws', authenticate: ({ login }) => (login ? { name: login, role: 'tester' } : undefined) })],
  controllers: [ArgumentsController],
  providers: [Seen],
})
class ArgumentsModule {}

/** With a global ValidationPipe: the implicit payload is validated as an HTTP body would be. */
@Controller()
class GlobalPipeController {
  constructor(private readonly seen: Seen) {}

  @MessageMapping('/items')
  @SendTo('/topic/items')
  create(item: CreateItemDto, @Header('x-note') note: string | undefined, context: StompContext) {
    this.seen.record('create', item, context);
    return { item, note: note ?? null, isDto: item instanceof CreateItemDto };
  }
}

@Module({ imports: [StompModule.forRoot({ endpoint: '/ws' })], controllers: [GlobalPipeController], providers: [Seen] })
class GlobalPipeModule {}

interface Report {
  destination: string;
  error: string;
  message: string;
  details?: string[];
}

describe('parity: handler arguments', () => {
  describe('parameter decorators', () => {
    let server: RunningApp;
    let alice: StompTestClient;
    let anonymous: StompTestClient;
    let client: StompTestClient;
    const sessionOf = (c: StompTestClient) => c.connection.session;

    beforeAll(async () => {
      server = await startApp(ArgumentsModule);
      alice = await createStompTestClient(server.app, { timeout: 10_000 }).connect({ login: 'alice' });
      anonymous = await createStompTestClient(server.app, { timeout: 10_000 }).connect();
      client = alice;
    });

    afterAll(async () => {
      await Promise.all([alice?.disconnect(), anonymous?.disconnect()]);
      await server.close();
    });

    const inboxes = new Map<StompTestClient, StompTestSubscription>();

    /** Sends `payload` to `/app{path}` from `sender` and returns the one reply on /topic/args. */
    async function call(path: string, payload: StompTestPayload, headers: StompTestHeaders = {}, sender: StompTestClient = client): Promise<unknown> {
      let inbox = inboxes.get(sender);
      if (!inbox) inboxes.set(sender, (inbox = await sender.subscribe('/topic/args')));
      // Replies to other senders' calls also reach this inbox: let them all arrive, and set them aside.
      await sender.sync();
      while (inbox.pending.length > 0) await inbox.next();
      await sender.send(`/app${path}`, payload, headers);
      return (await inbox.next()).json();
    }

    it('@Payload() and the implicit first parameter both get the converted body', async () => {
      expect(await call('/explicit', { a: 1 })).toEqual({ handler: 'explicit', body: { a: 1 } });
      expect(await call('/implicit', { a: 2 })).toEqual({ handler: 'implicit', body: { a: 2 } });
    });

    it("@Payload('field') gets one property of the payload", async () => {
      expect(await call('/field', { name: 'widget', other: 1 })).toEqual({ handler: 'field', name: 'widget', missing: 'undefined' });
    });

    it("@Header('x') gets one header (undefined when absent), @Headers() all of them", async () => {
      const reply = (await call('/headers', {}, { 'x-trace': 't-1', 'content-type': 'application/json' })) as Record<string, unknown>;
      expect(reply).toMatchObject({ handler: 'headers', trace: 't-1', absent: null });
      expect(reply.all).toMatchObject({ destination: '/app/headers', 'x-trace': 't-1', 'content-type': 'application/json' });
    });

    it('@Principal() and @SessionId() describe the sending session', async () => {
      expect(await call('/who', {})).toEqual({ handler: 'who', principal: { name: 'alice', role: 'tester' }, sessionId: sessionOf(alice) });
      expect(await call('/who', {}, {}, anonymous)).toEqual({ handler: 'who', principal: null, sessionId: sessionOf(anonymous) });
    });

    it('@SessionAttributes() is one Map per session, kept across SENDs', async () => {
      expect(await call('/count', {})).toEqual({ handler: 'count', sessionId: sessionOf(alice), count: 1 });
      const first = server.app.get(Seen).last('count')[0];
      expect(await call('/count', {})).toEqual({ handler: 'count', sessionId: sessionOf(alice), count: 2 });
      const second = server.app.get(Seen).last('count')[0];
      expect(second).toBeInstanceOf(Map);
      expect(second).toBe(first);
      // Another session has its own attributes.
      expect(await call('/count', {}, {}, anonymous)).toEqual({ handler: 'count', sessionId: sessionOf(anonymous), count: 1 });
      expect(server.app.get(Seen).last('count')[0]).not.toBe(first);
    });

    it('@Message() gets the StompContext', async () => {
      expect(await call('/message', { m: 1 }, { 'x-h': 'v' })).toEqual({ handler: 'message' });
      const [context, body] = server.app.get(Seen).last('message') as [StompContext, unknown];
      expect(context).toBeInstanceOf(StompContext);
      expect(context.command).toBe('SEND');
      expect(context.destination).toBe('/app/message');
      expect(context.lookupDestination).toBe('/message');
      expect(context.headers['x-h']).toBe('v');
      expect(context.body.toString()).toBe('{"m":1}');
      expect(context.sessionId).toBe(sessionOf(alice));
      expect(context.session.principal?.name).toBe('alice');
      expect(body).toEqual({ m: 1 });
    });

    it('an undecorated parameter typed StompContext gets the context, even before the payload', async () => {
      expect(await call('/typed', { b: 3 })).toEqual({ handler: 'typed', body: { b: 3 }, destination: '/app/typed' });
      const [context] = server.app.get(Seen).last('typed');
      expect(context).toBeInstanceOf(StompContext);
    });

    it('a createParamDecorator decorator reads getStompContext(ctx) and ctx.getArgByIndex(1)', async () => {
      expect(await call('/custom', {})).toEqual({ handler: 'custom', destination: '/app/custom', sessionId: sessionOf(alice), user: 'alice' });
    });

    it('@Payload(new ValidationPipe()) transforms a valid DTO and refuses an invalid one with the class-validator messages', async () => {
      expect(await call('/validated', { name: 'bolt', quantity: 3 })).toEqual({ handler: 'validated', item: { name: 'bolt', quantity: 3 } });
      expect(server.app.get(Seen).last('validated')[0]).toBeInstanceOf(CreateItemDto);

      const replies = inboxes.get(client)!;
      const repliesBefore = replies.messages.length;
      const errors = await client.subscribe('/user/queue/errors');
      const before = server.app.get(Seen).calls.length;
      await client.send('/app/validated', { name: '', quantity: 0 });
      const report = (await errors.next()).json<Report>();
      expect(report).toEqual({
        destination: '/app/validated',
        error: 'BadRequestException',
        message: expect.any(String),
        details: expect.arrayContaining(['name should not be empty', 'quantity must not be less than 1']),
      });
      expect(report.message).toBe(report.details!.join('; '));
      expect(server.app.get(Seen).calls.length).toBe(before);
      await replies.expectNothing();
      expect(replies.messages).toHaveLength(repliesBefore);
    });

    it('ParseIntPipe on @Header converts the header, and refuses a non-numeric one', async () => {
      expect(await call('/int-header', {}, { 'x-count': '42' })).toEqual({ handler: 'intHeader', count: 42, type: 'number' });
      const errors = await anonymous.subscribe('/user/queue/errors');
      await anonymous.send('/app/int-header', {}, { 'x-count': 'many' });
      expect((await errors.next()).json()).toEqual({
        destination: '/app/int-header',
        error: 'BadRequestException',
        message: 'Validation failed (numeric string is expected)',
      });
    });

    it('ParseIntPipe given as a class on a @Controller handler converts the header too', async () => {
      expect(await call('/int-header-class', {}, { 'x-count': '42' })).toEqual({ handler: 'intHeaderClass', count: 42, type: 'number' });
    });
  });

  describe('a global ValidationPipe', () => {
    let server: RunningApp;
    let client: StompTestClient;

    beforeAll(async () => {
      server = await startApp(GlobalPipeModule, (app) => {
        app.useGlobalPipes(new ValidationPipe({ transform: true, whitelist: true, forbidNonWhitelisted: true }));
      });
      client = await createStompTestClient(server.app, { timeout: 10_000 }).connect();
    });

    afterAll(async () => {
      await client?.disconnect();
      await server.close();
    });

    it('validates and transforms the implicit payload DTO, leaving @Header and the context alone', async () => {
      const items = await client.subscribe('/topic/items');
      await client.send('/app/items', { name: 'nut', quantity: 2 }, { 'x-note': 'n' });
      expect((await items.next()).json()).toEqual({ item: { name: 'nut', quantity: 2 }, note: 'n', isDto: true });
      const [, context] = server.app.get(Seen).last('create');
      expect(context).toBeInstanceOf(StompContext);
    });

    it('refuses an invalid implicit payload: the sender gets the validation report, the topic nothing', async () => {
      const items = await client.subscribe('/topic/items');
      const errors = await client.subscribe('/user/queue/errors');
      await client.send('/app/items', { name: 'nut', quantity: 'two', extra: true });
      const report = (await errors.next()).json<Report>();
      expect(report.error).toBe('BadRequestException');
      expect(report.destination).toBe('/app/items');
      expect(report.details).toEqual(expect.arrayContaining(['property extra should not exist', expect.stringContaining('quantity must be an integer')]));
      expect(report.message).toBe(report.details!.join('; '));
      await items.expectNothing();
    });
  });
});
