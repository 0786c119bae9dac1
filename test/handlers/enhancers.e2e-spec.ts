import {
  Catch,
  Controller,
  Get,
  Injectable,
  Module,
  UseFilters,
  UseGuards,
  UseInterceptors,
  UsePipes,
  type ArgumentsHost,
  type CallHandler,
  type CanActivate,
  type ExceptionFilter,
  type ExecutionContext,
  type NestInterceptor,
  type PipeTransform,
  type Type,
} from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { map, type Observable } from 'rxjs';
import { getStompContext, MessageMapping, SendTo, StompContext, StompModule } from 'nest-stomp';
import type { StompTestSubscription } from 'nest-stomp/testing';
import { useSenderWithErrors } from '../support/sender-with-errors.js';

/** The JSON bodies of every message a subscription received so far. */
const bodies = (subscription: StompTestSubscription): unknown[] => subscription.messages.map((message) => message.json());

/** What the enhancers saw, in order. */
const trail: string[] = [];
/** What `getStompContext` returned inside guards, by where they ran. */
const guardContexts: Array<{ guard: string; type: string; stomp: StompContext | undefined }> = [];

/** Lets a SEND through only with `x-allow: yes`. */
@Injectable()
class HeaderGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const stomp = getStompContext(context);
    guardContexts.push({ guard: 'HeaderGuard', type: context.getType(), stomp });
    return stomp?.headers['x-allow'] === 'yes';
  }
}

@Injectable()
class WrapInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(map((value) => ({ wrapped: value, type: context.getType(), handler: context.getHandler().name })));
  }
}

@Injectable()
class UpperCasePipe implements PipeTransform {
  transform(value: unknown): unknown {
    return typeof value === 'string' ? value.toUpperCase() : value;
  }
}

class TeapotError extends Error {}

/** Catches everything thrown by a STOMP handler and answers in its place. */
@Catch()
class StompReplyFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): unknown {
    return { filtered: (exception as Error).message, type: host.getType(), destination: getStompContext(host)?.destination ?? null };
  }
}

/** Refuses any SEND with `x-deny: global`; lets HTTP requests through. */
@Injectable()
class GlobalGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const stomp = getStompContext(context);
    guardContexts.push({ guard: 'GlobalGuard', type: context.getType(), stomp });
    return stomp?.headers['x-deny'] !== 'global';
  }
}

@Injectable()
class GlobalInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    trail.push(`global-interceptor ${context.getType()} ${context.getClass().name}.${context.getHandler().name}`);
    return next.handle();
  }
}

/**
 * The same handlers on a host of either kind, with enhancers given as classes: `/app{prefix}/...`
 * replying to `/topic{prefix}/...`.
 */
function enhancedHandlers(prefix: string): Type<unknown> {
  @UsePipes(UpperCasePipe)
  @MessageMapping(prefix)
  class EnhancedHandlers {
    @MessageMapping('/guarded')
    @SendTo(`/topic${prefix}/guarded`)
    @UseGuards(HeaderGuard)
    guarded(body: unknown) {
      trail.push(`${prefix} guarded handler`);
      return body;
    }

    @MessageMapping('/intercepted')
    @SendTo(`/topic${prefix}/intercepted`)
    @UseInterceptors(WrapInterceptor)
    intercepted(body: unknown) {
      return body;
    }

    @MessageMapping('/piped')
    @SendTo(`/topic${prefix}/piped`)
    piped(text: string) {
      return { text };
    }

    @MessageMapping('/filtered')
    @SendTo(`/topic${prefix}/filtered`)
    @UseFilters(StompReplyFilter)
    filtered(): never {
      throw new TeapotError('short and stout');
    }
  }
  return EnhancedHandlers;
}

const EnhancedProvider = enhancedHandlers('/svc');
Injectable()(EnhancedProvider);
const EnhancedController = enhancedHandlers('/ctl');
Controller()(EnhancedController);

/** Enhancers given as instances, on a controller. */
@Controller()
@MessageMapping('/inst')
class InstanceEnhancedController {
  @MessageMapping('/guarded')
  @SendTo('/topic/inst/guarded')
  @UseGuards(new HeaderGuard())
  guarded(body: unknown) {
    return body;
  }

  @MessageMapping('/filtered')
  @SendTo('/topic/inst/filtered')
  @UseFilters(new StompReplyFilter())
  filtered(): never {
    throw new TeapotError('instance filter');
  }
}

@Controller('http')
class HttpController {
  @Get('ping')
  ping() {
    return { pong: true };
  }
}

@Module({
  imports: [StompModule.forRoot({ endpoint: '/ws' })],
  controllers: [EnhancedController, InstanceEnhancedController, HttpController],
  providers: [
    EnhancedProvider,
    { provide: APP_GUARD, useClass: GlobalGuard },
    { provide: APP_INTERCEPTOR, useClass: GlobalInterceptor },
  ],
})
class EnhancersModule {}

describe('parity: guards, interceptors, pipes and filters on STOMP handlers', () => {
  const sender = useSenderWithErrors(EnhancersModule);

  beforeEach(() => {
    trail.length = 0;
    guardContexts.length = 0;
  });

  // Enhancers given as classes resolve in the handler's module, whether it is a provider or a
  // controller (Nest's own ExternalContextCreator only finds providers' modules).
  describe.each([
    ['a provider', '/svc'],
    ['a @Controller', '/ctl'],
  ] as const)('class enhancers on %s', (_host, prefix) => {
    it('@UseGuards: a refused SEND is reported to the sender on /user/queue/errors; the topic gets nothing', async () => {
      const topic = await sender.client.subscribe(`/topic${prefix}/guarded`);
      await sender.client.send(`/app${prefix}/guarded`, { n: 1 });
      expect(bodies(sender.errors)).toEqual([{ destination: `/app${prefix}/guarded`, error: 'ForbiddenException', message: 'Forbidden resource' }]);
      expect(trail).not.toContain(`${prefix} guarded handler`);
      await topic.expectNothing();

      // The same guard lets an allowed SEND through; it saw the StompContext.
      await sender.client.send(`/app${prefix}/guarded`, { n: 2 }, { 'x-allow': 'yes' });
      expect(bodies(topic)).toEqual([{ n: 2 }]);
      const seen = guardContexts.filter((g) => g.guard === 'HeaderGuard');
      expect(seen).toHaveLength(2);
      expect(seen[1]!.type).toBe('stomp');
      expect(seen[1]!.stomp).toBeInstanceOf(StompContext);
      expect(seen[1]!.stomp!.destination).toBe(`/app${prefix}/guarded`);
    });

    it('@UseInterceptors wraps the return value, with the STOMP execution context', async () => {
      const topic = await sender.client.subscribe(`/topic${prefix}/intercepted`);
      await sender.client.send(`/app${prefix}/intercepted`, 7);
      expect(bodies(topic)).toEqual([{ wrapped: 7, type: 'stomp', handler: 'intercepted' }]);
    });

    it('@UsePipes on the class transforms the payload of every handler', async () => {
      const topic = await sender.client.subscribe(`/topic${prefix}/piped`);
      await sender.client.send(`/app${prefix}/piped`, 'hello', { 'content-type': 'text/plain' });
      expect(bodies(topic)).toEqual([{ text: 'HELLO' }]);
    });

    it("@UseFilters(@Catch()): the filter sees host type 'stomp' and its return value goes to @SendTo", async () => {
      const topic = await sender.client.subscribe(`/topic${prefix}/filtered`);
      await sender.client.send(`/app${prefix}/filtered`, {});
      expect(bodies(topic)).toEqual([{ filtered: 'short and stout', type: 'stomp', destination: `/app${prefix}/filtered` }]);
      await sender.errors.expectNothing();
    });
  });

  describe('instance enhancers on a @Controller', () => {
    it('@UseGuards(new Guard()) refuses the SEND: report to the sender, nothing on the topic', async () => {
      const topic = await sender.client.subscribe('/topic/inst/guarded');
      await sender.client.send('/app/inst/guarded', { n: 1 });
      expect((await sender.errors.next()).json()).toEqual({ destination: '/app/inst/guarded', error: 'ForbiddenException', message: 'Forbidden resource' });
      await sender.client.send('/app/inst/guarded', { n: 2 }, { 'x-allow': 'yes' });
      expect((await topic.next()).json()).toEqual({ n: 2 });
      expect(topic.messages).toHaveLength(1);
    });

    it('@UseFilters(new Filter()) answers in place of the handler', async () => {
      const topic = await sender.client.subscribe('/topic/inst/filtered');
      await sender.client.send('/app/inst/filtered', {});
      expect((await topic.next()).json()).toEqual({ filtered: 'instance filter', type: 'stomp', destination: '/app/inst/filtered' });
      await sender.errors.expectNothing();
    });
  });

  describe('global enhancers (APP_GUARD, APP_INTERCEPTOR)', () => {
    it('the global guard refuses a SEND on any host, with getStompContext giving the StompContext', async () => {
      const topic = await sender.client.subscribe('/topic/inst/guarded');
      await sender.client.send('/app/inst/guarded', { n: 3 }, { 'x-allow': 'yes', 'x-deny': 'global' });
      expect((await sender.errors.next()).json()).toEqual({ destination: '/app/inst/guarded', error: 'ForbiddenException', message: 'Forbidden resource' });
      await topic.expectNothing();
      const global = guardContexts.find((g) => g.guard === 'GlobalGuard')!;
      expect(global.type).toBe('stomp');
      expect(global.stomp).toBeInstanceOf(StompContext);
      expect(global.stomp!.headers['x-deny']).toBe('global');
    });

    it('the global interceptor runs around STOMP handlers of controllers and providers', async () => {
      await sender.client.send('/app/inst/guarded', {}, { 'x-allow': 'yes' });
      await sender.client.send('/app/svc/piped', 'p', { 'content-type': 'text/plain' });
      expect(trail).toEqual(['global-interceptor stomp InstanceEnhancedController.guarded', 'global-interceptor stomp EnhancedHandlers.piped']);
    });

    it('getStompContext(host) is undefined for an HTTP request going through the same global guard', async () => {
      const response = await fetch(`${sender.server.httpUrl}/http/ping`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ pong: true });
      const global = guardContexts.find((g) => g.guard === 'GlobalGuard')!;
      expect(global.type).toBe('http');
      expect(global.stomp).toBeUndefined();
      expect(trail).toEqual(['global-interceptor http HttpController.ping']);
    });
  });
});
