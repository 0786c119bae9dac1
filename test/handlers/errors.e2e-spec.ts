import { jest } from '@jest/globals';
import {
  BadRequestException,
  Catch,
  Controller,
  ForbiddenException,
  Injectable,
  InternalServerErrorException,
  Logger,
  Module,
  ValidationPipe,
  UseGuards,
  type ArgumentsHost,
  type CanActivate,
  type ExceptionFilter,
} from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { IsNotEmpty, IsString } from 'class-validator';
import { MessageExceptionHandler, MessageMapping, Payload, SendTo, SendToUser, StompContext, StompModule, type StompErrorReport } from 'nest-stomp';
import { createStompTestClient, type StompTestHeaders, type StompTestPayload, type StompTestSubscription } from 'nest-stomp/testing';
import { startApp } from '../support/apps.js';
import { useSenderWithErrors } from '../support/sender-with-errors.js';

/** The JSON bodies of every message a subscription received so far. */
const bodies = (subscription: StompTestSubscription): unknown[] => subscription.messages.map((message) => message.json());

class OutOfStockError extends Error {
  override readonly name = 'OutOfStockError';
}
class PaymentError extends Error {}
class FilteredError extends Error {}
class SpecificError extends Error {}
class ExplodingError extends Error {}

class NoteDto {
  @IsString()
  @IsNotEmpty()
  text!: string;
}

/** What the global filter caught. */
const filtered: Array<{ message: string; type: string }> = [];

/** A global Nest exception filter for one error type; it handles the error and sends nothing. */
@Catch(FilteredError)
class GlobalFilteredErrorFilter implements ExceptionFilter {
  catch(exception: FilteredError, host: ArgumentsHost): void {
    filtered.push({ message: exception.message, type: host.getType() });
  }
}

/** Handlers whose errors go to @MessageExceptionHandler methods of their class. */
@Controller()
@MessageMapping('/shop')
class ShopController {
  readonly handled: Array<{ error: unknown; context: StompContext }> = [];

  @MessageMapping('/buy')
  @SendTo('/topic/bought')
  buy(): never {
    throw new OutOfStockError('sold out');
  }

  @MessageMapping('/pay')
  pay(): never {
    throw new PaymentError('card declined');
  }

  @MessageMapping('/fallback.{item}')
  fallback(): never {
    throw new RangeError('no such shelf');
  }

  @MessageMapping('/filtered')
  filtered(): never {
    throw new FilteredError('for the filter');
  }

  @MessageMapping('/explode')
  explode(): never {
    throw new ExplodingError('first failure');
  }

  @MessageMapping('/specific')
  specific(): never {
    throw new SpecificError('specific');
  }

  @MessageExceptionHandler(OutOfStockError)
  @SendToUser('/queue/errors', { broadcast: false })
  outOfStock(error: OutOfStockError, context: StompContext) {
    this.handled.push({ error, context });
    return { handled: error.message, destination: context.destination };
  }

  @MessageExceptionHandler(PaymentError)
  @SendTo('/topic/payment-problems')
  payment(error: PaymentError) {
    return { payment: error.message };
  }

  @MessageExceptionHandler(ExplodingError)
  @SendTo('/topic/never')
  exploding(): never {
    throw new BadRequestException('the exception handler failed too');
  }

  // Declared before the handler for SpecificError: Spring would still pick the closest type.
  @MessageExceptionHandler(Error)
  anyError(error: Error, context: StompContext) {
    return { any: error.message, lookup: context.lookupDestination };
  }

  @MessageExceptionHandler(SpecificError)
  @SendTo('/topic/specific-handled')
  specificError(error: SpecificError) {
    return { specific: error.message };
  }
}

class DenyAll implements CanActivate {
  canActivate(): boolean {
    return false;
  }
}

/** Handlers without @MessageExceptionHandler: their errors are reported to the sender. */
@Controller()
class FailingController {
  @MessageMapping('/forbidden')
  @SendTo('/topic/never')
  @UseGuards(new DenyAll())
  forbidden() {
    return 'guard let it through';
  }

  @MessageMapping('/forbidden-by-handler')
  forbiddenByHandler(): never {
    throw new ForbiddenException('members only');
  }

  @MessageMapping('/bad-request')
  badRequest(): never {
    throw new BadRequestException('quantity is too large');
  }

  @MessageMapping('/server-http-error')
  serverHttpError(): never {
    throw new InternalServerErrorException('db password is hunter2');
  }

  @MessageMapping('/unknown')
  @SendTo('/topic/never')
  unknown(): never {
    throw new Error('SELECT * FROM secrets failed at /srv/app/db.ts:12');
  }

  @MessageMapping('/rejects')
  async rejects(): Promise<never> {
    await Promise.resolve();
    throw new TypeError('async failure');
  }

  @MessageMapping('/validated')
  @SendTo('/topic/never')
  validated(@Payload(new ValidationPipe()) note: NoteDto) {
    return note;
  }

  @MessageMapping('/json')
  @SendTo('/topic/never')
  json(body: unknown) {
    return body;
  }

  @MessageMapping('/ws-like')
  wsLike(): never {
    // Shaped as @nestjs/websockets' WsException, without depending on it.
    const error = Object.assign(new Error('ws says no'), { getError: () => ({ message: 'ws says no', code: 42 }) });
    error.name = 'WsException';
    throw error;
  }
}

@Module({
  imports: [StompModule.forRoot({ endpoint: '/ws' })],
  controllers: [ShopController, FailingController],
  providers: [{ provide: APP_FILTER, useClass: GlobalFilteredErrorFilter }],
})
class ErrorsModule {}

@Controller()
class LoneFailingController {
  @MessageMapping('/fail')
  fail(): never {
    throw new BadRequestException('nope');
  }
}

@Module({ imports: [StompModule.forRoot({ endpoint: '/ws', errorDestination: false })], controllers: [LoneFailingController] })
class SilentErrorsModule {}

@Module({ imports: [StompModule.forRoot({ endpoint: '/ws', errorDestination: '/queue/oops' })], controllers: [LoneFailingController] })
class OopsErrorsModule {}

describe('parity: handler errors', () => {
  let logs: { warn: jest.SpiedFunction<Logger['warn']>; error: jest.SpiedFunction<Logger['error']> };

  beforeAll(() => {
    logs = {
      warn: jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined),
      error: jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined),
    };
  });

  afterAll(() => {
    logs.warn.mockRestore();
    logs.error.mockRestore();
  });

  describe('filters, @MessageExceptionHandler and the default report', () => {
    const sender = useSenderWithErrors(ErrorsModule);

    /** SENDs and returns the one report that arrived before the RECEIPT (the report of this SEND only). */
    async function reportFor(destination: string, payload: StompTestPayload = {}, headers: StompTestHeaders = {}): Promise<StompErrorReport> {
      await sender.client.send(destination, payload, headers);
      expect(sender.errors.pending).toHaveLength(1);
      const report = await sender.errors.next();
      expect(report.destination).toBe('/user/queue/errors');
      expect(report.headers['content-type']).toBe('application/json;charset=UTF-8');
      return report.json<StompErrorReport>();
    }

    it('an exception reaches a global Nest exception filter first; the filter handling it means no report', async () => {
      filtered.length = 0;
      await sender.client.send('/app/shop/filtered', {});
      expect(filtered).toEqual([{ message: 'for the filter', type: 'stomp' }]);
      await sender.errors.expectNothing();
    });

    it('@MessageExceptionHandler(Type) gets (error, context); its reply goes to its @SendToUser', async () => {
      const bought = await sender.client.subscribe('/topic/bought');
      await sender.client.send('/app/shop/buy', {});
      expect(bodies(sender.errors)).toEqual([{ handled: 'sold out', destination: '/app/shop/buy' }]);
      const controller = sender.server.app.get(ShopController);
      const { error, context } = controller.handled.at(-1)!;
      expect(error).toBeInstanceOf(OutOfStockError);
      expect(context).toBeInstanceOf(StompContext);
      expect(context.lookupDestination).toBe('/shop/buy');
      // The failed handler's own @SendTo is not used.
      await bought.expectNothing();
    });

    it("@MessageExceptionHandler's reply goes to its @SendTo", async () => {
      const problems = await sender.client.subscribe('/topic/payment-problems');
      await sender.client.send('/app/shop/pay', {});
      expect(bodies(problems)).toEqual([{ payment: 'card declined' }]);
      await sender.errors.expectNothing();
    });

    it("without @SendTo/@SendToUser the exception handler's reply goes to /topic + the failed message's mapped destination", async () => {
      const fallback = await sender.client.subscribe('/topic/shop/fallback.shoes');
      await sender.client.send('/app/shop/fallback.shoes', {});
      expect(bodies(fallback)).toEqual([{ any: 'no such shelf', lookup: '/shop/fallback.shoes' }]);
      await sender.errors.expectNothing();
    });

    it('an exception handler that throws: the sender is told about that error', async () => {
      expect(await reportFor('/app/shop/explode')).toEqual({
        destination: '/app/shop/explode',
        error: 'BadRequestException',
        message: 'the exception handler failed too',
      });
    });

    // As Spring's ExceptionDepthComparator: the closest error type wins, not the first declared.
    it('picks the @MessageExceptionHandler with the closest error type, whatever the declaration order', async () => {
      const specific = await sender.client.subscribe('/topic/specific-handled');
      await sender.client.send('/app/shop/specific', {});
      expect(bodies(specific)).toEqual([{ specific: 'specific' }]);
    });

    it("a guard's refusal is reported as ForbiddenException 'Forbidden resource'; nothing goes to @SendTo", async () => {
      const never = await sender.client.subscribe('/topic/never');
      expect(await reportFor('/app/forbidden')).toEqual({ destination: '/app/forbidden', error: 'ForbiddenException', message: 'Forbidden resource' });
      await never.expectNothing();
      expect(await reportFor('/app/forbidden-by-handler')).toEqual({ destination: '/app/forbidden-by-handler', error: 'ForbiddenException', message: 'members only' });
    });

    it("an HttpException's text is passed through", async () => {
      expect(await reportFor('/app/bad-request')).toEqual({ destination: '/app/bad-request', error: 'BadRequestException', message: 'quantity is too large' });
    });

    it("validation failures carry every class-validator message in details and join them with '; '", async () => {
      const report = await reportFor('/app/validated', { text: '' });
      expect(report).toEqual({
        destination: '/app/validated',
        error: 'BadRequestException',
        message: 'text should not be empty',
        details: ['text should not be empty'],
      });
      const several = await reportFor('/app/validated', { text: 5 });
      expect(several.details!.length).toBeGreaterThanOrEqual(1);
      expect(several.details).toContain('text must be a string');
      expect(several.message).toBe(several.details!.join('; '));
    });

    it("unknown errors are reported as 'Internal server error', without their text, sync or async", async () => {
      const never = await sender.client.subscribe('/topic/never');
      expect(await reportFor('/app/unknown')).toEqual({ destination: '/app/unknown', error: 'InternalServerError', message: 'Internal server error' });
      expect(await reportFor('/app/rejects')).toEqual({ destination: '/app/rejects', error: 'InternalServerError', message: 'Internal server error' });
      await never.expectNothing();
    });

    // As Nest's HTTP exception filter does, a 5xx HttpException's text is sent too: only errors that are
    // not HttpExceptions are masked. (Noted in the report as questionable.)
    it("a 5xx HttpException's text is passed through as well, as Nest HTTP does", async () => {
      expect(await reportFor('/app/server-http-error')).toEqual({
        destination: '/app/server-http-error',
        error: 'InternalServerErrorException',
        message: 'db password is hunter2',
      });
    });

    it('a WsException-like error is reported with its own message', async () => {
      expect(await reportFor('/app/ws-like')).toEqual({ destination: '/app/ws-like', error: 'WsException', message: 'ws says no' });
    });

    it("invalid JSON to an /app destination → 'StompMessageConversionError'; the handler does not run, the session goes on", async () => {
      const never = await sender.client.subscribe('/topic/never');
      const report = await reportFor('/app/json', '{not json', { 'content-type': 'application/json' });
      expect(report.error).toBe('StompMessageConversionError');
      expect(report.destination).toBe('/app/json');
      expect(report.message.startsWith("Body of the SEND to '/app/json' is not valid JSON")).toBe(true);
      // Without content-type the body is taken as JSON too, as Spring.
      expect((await reportFor('/app/json', 'plain words', { 'content-type': undefined })).error).toBe('StompMessageConversionError');
      await never.expectNothing();
    });
  });

  describe('errorDestination option', () => {
    it('false: the error is only logged; the sender gets nothing (checked by a later RECEIPT)', async () => {
      const server = await startApp(SilentErrorsModule);
      const client = createStompTestClient(`${server.wsUrl}/ws`, { timeout: 10_000 });
      try {
        await client.connect();
        const errors = await client.subscribe('/user/queue/errors', { id: 'errs' });
        logs.warn.mockClear();
        await client.send('/app/fail', {});
        await errors.expectNothing();
        expect(client.error).toBeUndefined();
        expect(logs.warn.mock.calls.some(([text]) => String(text).includes("LoneFailingController.fail failed on a SEND to '/app/fail'"))).toBe(true);
      } finally {
        await client.disconnect();
        await server.close();
      }
    });

    it("'/queue/oops': the report goes to /user/queue/oops, not /user/queue/errors", async () => {
      const server = await startApp(OopsErrorsModule);
      const client = createStompTestClient(`${server.wsUrl}/ws`, { timeout: 10_000 });
      try {
        await client.connect();
        const errors = await client.subscribe('/user/queue/errors', { id: 'errs' });
        const oops = await client.subscribe('/user/queue/oops', { id: 'oops' });
        await client.send('/app/fail', {});
        expect(errors.messages).toHaveLength(0);
        expect(oops.messages).toHaveLength(1);
        expect(oops.messages[0]!.headers).toMatchObject({ destination: '/user/queue/oops', subscription: 'oops' });
        expect(oops.messages[0]!.json()).toEqual({ destination: '/app/fail', error: 'BadRequestException', message: 'nope' });
      } finally {
        await client.disconnect();
        await server.close();
      }
    });
  });
});
