import {
  Catch,
  Controller,
  createParamDecorator,
  Injectable,
  Module,
  type ArgumentsHost,
  type CallHandler,
  type CanActivate,
  type ExceptionFilter,
  type ExecutionContext,
  type INestApplication,
  type NestInterceptor,
  type PipeTransform,
  type Provider,
} from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { map, of, type Observable } from 'rxjs';
import { getStompContext, MessageMapping, SendTo, StompModule } from 'nest-stomp';
import { createStompTestClient, type StompTestClient, type StompTestPayload } from 'nest-stomp/testing';
import { startApp, type RunningApp } from '../support/apps.js';

/**
 * Handlers without a guard, pipe, interceptor or filter of their own are called without Nest's
 * enhancer pipeline when the application has none either; any global enhancer, however it was
 * registered, must still reach them.
 */

/** A custom parameter decorator whose value is a promise: Nest awaits it before the call. */
const DelayedSession = createParamDecorator((_data: unknown, context: ExecutionContext) =>
  Promise.resolve(`session ${getStompContext(context)?.sessionId ? 'known' : 'unknown'}`),
);

class PlainFailure extends Error {}

@Controller()
class PlainController {
  @MessageMapping('/plain/echo')
  @SendTo('/topic/plain')
  echo(body: { text: string }) {
    return body;
  }

  @MessageMapping('/plain/observable')
  @SendTo('/topic/plain')
  observable(body: { text: string }): Observable<unknown> {
    return of({ first: body.text }, { last: body.text });
  }

  @MessageMapping('/plain/decorated')
  @SendTo('/topic/plain')
  decorated(@DelayedSession() session: string, body: { text: string }) {
    return { session, text: body.text };
  }

  @MessageMapping('/plain/fail')
  @SendTo('/topic/plain')
  fail(): never {
    throw new PlainFailure('plain handler failed');
  }
}

@Injectable()
class RefuseDenied implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    return getStompContext(context)?.headers['x-deny'] !== 'yes';
  }
}

@Injectable()
class MarkPipe implements PipeTransform {
  transform(value: unknown): unknown {
    return value !== null && typeof value === 'object' ? { ...value, piped: true } : value;
  }
}

@Injectable()
class WrapInterceptor implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(map((value) => ({ intercepted: value })));
  }
}

@Catch()
class AnswerFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): unknown {
    return { filtered: (exception as Error).message, type: host.getType() };
  }
}

function plainModule(providers: Provider[]): unknown {
  @Module({ imports: [StompModule.forRoot({ endpoint: '/ws' })], controllers: [PlainController], providers })
  class PlainModule {}
  return PlainModule;
}

interface Fixture {
  server?: RunningApp;
  client?: StompTestClient;
}

function usePlainApp(providers: Provider[], configure?: (app: INestApplication) => void): Required<Fixture> {
  const fixture: Fixture = {};
  beforeAll(async () => {
    fixture.server = await startApp(plainModule(providers), configure);
    fixture.client = await createStompTestClient(`${fixture.server.wsUrl}/ws`, { timeout: 10_000 }).connect();
  });
  afterAll(async () => {
    await fixture.client?.disconnect();
    await fixture.server?.close();
  });
  return fixture as Required<Fixture>;
}

/** The JSON bodies `/topic/plain` and `/user/queue/errors` get for one SEND. */
async function outcome(client: StompTestClient, destination: string, body: StompTestPayload, headers: Record<string, string> = {}) {
  const topic = await client.subscribe('/topic/plain');
  const errors = await client.subscribe('/user/queue/errors');
  await client.send(destination, body, headers);
  const result = { topic: topic.messages.map((m) => m.json()), errors: errors.messages.map((m) => m.json()) };
  await topic.unsubscribe();
  await errors.unsubscribe();
  return result;
}

describe('handlers without enhancers', () => {
  const app = usePlainApp([]);

  it('reply with their return value', async () => {
    expect(await outcome(app.client, '/app/plain/echo', { text: 'hi' })).toEqual({ topic: [{ text: 'hi' }], errors: [] });
  });

  it("reply with an Observable's last value", async () => {
    expect(await outcome(app.client, '/app/plain/observable', { text: 'hi' })).toEqual({ topic: [{ last: 'hi' }], errors: [] });
  });

  it('get a custom decorator’s promised value, awaited, and the payload beside it', async () => {
    expect(await outcome(app.client, '/app/plain/decorated', { text: 'hi' })).toEqual({ topic: [{ session: 'session known', text: 'hi' }], errors: [] });
  });

  it('report a failure to the sender', async () => {
    const { topic, errors } = await outcome(app.client, '/app/plain/fail', {});
    expect(topic).toEqual([]);
    // As for any handler: an unexpected error is logged, and the sender hears no more than that it failed.
    expect(errors).toEqual([{ destination: '/app/plain/fail', error: 'InternalServerError', message: 'Internal server error' }]);
  });
});

describe.each([
  ['app.useGlobalGuards', [], (app: INestApplication) => app.useGlobalGuards(new RefuseDenied()), 'guard'],
  ['APP_GUARD', [{ provide: APP_GUARD, useClass: RefuseDenied }], undefined, 'guard'],
  ['app.useGlobalPipes', [], (app: INestApplication) => app.useGlobalPipes(new MarkPipe()), 'pipe'],
  ['APP_PIPE', [{ provide: APP_PIPE, useClass: MarkPipe }], undefined, 'pipe'],
  ['app.useGlobalInterceptors', [], (app: INestApplication) => app.useGlobalInterceptors(new WrapInterceptor()), 'interceptor'],
  ['APP_INTERCEPTOR', [{ provide: APP_INTERCEPTOR, useClass: WrapInterceptor }], undefined, 'interceptor'],
  ['app.useGlobalFilters', [], (app: INestApplication) => app.useGlobalFilters(new AnswerFilter()), 'filter'],
  ['APP_FILTER', [{ provide: APP_FILTER, useClass: AnswerFilter }], undefined, 'filter'],
] as const)('a global enhancer from %s reaches handlers that have none', (_how, providers, configure, kind) => {
  const app = usePlainApp([...providers], configure);

  it(`the ${kind} applies`, async () => {
    switch (kind) {
      case 'guard': {
        const refused = await outcome(app.client, '/app/plain/echo', { text: 'hi' }, { 'x-deny': 'yes' });
        expect(refused).toEqual({ topic: [], errors: [expect.objectContaining({ error: 'ForbiddenException' })] });
        expect((await outcome(app.client, '/app/plain/echo', { text: 'hi' })).topic).toEqual([{ text: 'hi' }]);
        break;
      }
      case 'pipe':
        expect(await outcome(app.client, '/app/plain/echo', { text: 'hi' })).toEqual({ topic: [{ text: 'hi', piped: true }], errors: [] });
        break;
      case 'interceptor':
        expect(await outcome(app.client, '/app/plain/echo', { text: 'hi' })).toEqual({ topic: [{ intercepted: { text: 'hi' } }], errors: [] });
        break;
      case 'filter':
        expect(await outcome(app.client, '/app/plain/fail', {})).toEqual({ topic: [{ filtered: 'plain handler failed', type: 'stomp' }], errors: [] });
        break;
    }
  });
});
