import { Body, Controller, Header, Headers, Module, Param, Query } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MessageMapping, StompMappingError, StompModule } from 'nest-stomp';

/** Starts a module with this one controller; resolves with the start-up error, or `undefined`. */
async function startUpErrorOf(controller: Function): Promise<unknown> {
  @Module({ imports: [StompModule.forRoot({ endpoint: '/ws' })], controllers: [controller as never] })
  class HandlerModule {}
  const app = await NestFactory.create(HandlerModule, { logger: false, abortOnError: false });
  try {
    // Handlers are discovered when the modules initialise.
    await app.init();
    return undefined;
  } catch (error) {
    return error;
  } finally {
    await app.close();
  }
}

describe('HTTP and gateway decorators on a STOMP handler', () => {
  it("refuses @Headers() from '@nestjs/common' at start-up, naming the import to use", async () => {
    @Controller()
    class HeadersController {
      @MessageMapping('/x')
      handle(payload: unknown, @Headers() headers: unknown) {
        return [payload, headers];
      }
    }
    const error = await startUpErrorOf(HeadersController);
    expect(error).toBeInstanceOf(StompMappingError);
    expect((error as StompMappingError).code).toBe('STOMP_ERR_FOREIGN_DECORATOR');
    expect((error as Error).message).toBe(
      "HeadersController.handle (parameter 1) uses @Headers() from '@nestjs/common' or '@nestjs/websockets', which STOMP handlers do not fill (it would be undefined): use @Headers() or @Header() from 'nest-stomp' instead",
    );
  });

  it('refuses @Param() and @Query(), naming what STOMP has instead', async () => {
    @Controller()
    class ParamController {
      @MessageMapping('/room.{id}')
      handle(@Param('id') id: string) {
        return id;
      }
    }
    @Controller()
    class QueryController {
      @MessageMapping('/q')
      handle(@Query('q') q: string) {
        return q;
      }
    }
    expect(((await startUpErrorOf(ParamController)) as Error).message).toContain("use @DestinationVariable() from 'nest-stomp' instead");
    expect(((await startUpErrorOf(QueryController)) as Error).message).toContain("uses @Query()");
  });

  it("refuses @Header() from '@nestjs/common' on the method: it sets HTTP response headers", async () => {
    @Controller()
    class ResponseHeaderController {
      @MessageMapping('/h')
      @Header('Cache-Control', 'none')
      handle() {
        return 'x';
      }
    }
    expect(((await startUpErrorOf(ResponseHeaderController)) as Error).message).toBe(
      "ResponseHeaderController.handle uses @Header() from '@nestjs/common', which sets HTTP response headers and does nothing for a STOMP message: use @Header('name') from 'nest-stomp' on a parameter to read a header of the frame instead",
    );
  });

  it('accepts @Body(), which records the payload as @Payload() does', async () => {
    @Controller()
    class BodyController {
      @MessageMapping('/b')
      handle(@Body() body: unknown) {
        return body;
      }
    }
    expect(await startUpErrorOf(BodyController)).toBeUndefined();
  });
});
