import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { MessageMapping, SendTo, StompModule, type StompErrorReport, type StompModuleOptions } from 'nest-stomp';
import { request } from 'node:http';
import { IsString } from 'class-validator';
import { ValidationPipe } from '@nestjs/common';
import { startApp, runningApp, type RunningApp } from '../support/apps.js';
import { connectStompClient, deactivateAll, publishConfirmed, subscribeConfirmed } from '../support/stomp-clients.js';

class EchoDto {
  @IsString()
  text!: string;
}

@Controller()
class EchoController {
  @MessageMapping('/echo')
  @SendTo('/topic/echo')
  echo(payload: EchoDto): EchoDto {
    return payload;
  }

  @Get('hello')
  hello(): string {
    return 'hello from the platform';
  }
}

function moduleWith(options: Partial<StompModuleOptions>): Function {
  @Module({ imports: [StompModule.forRoot({ endpoint: { path: '/stomp', sockJs: true }, ...options })], controllers: [EchoController] })
  class ServingModule {}
  return ServingModule;
}

const DOCUMENTED = moduleWith({ asyncApi: { path: '/docs/stomp.json', uiPath: '/docs/stomp', info: { title: 'Echo', version: '3.0.0' } } });

describe.each([
  ['Express', () => startApp(DOCUMENTED)],
  [
    'Fastify',
    async () => {
      const app = await NestFactory.create(DOCUMENTED as never, new FastifyAdapter(), { logger: false });
      await app.listen(0, '127.0.0.1');
      return runningApp(app);
    },
  ],
])('asyncApi on %s', (_platform, start) => {
  let app: RunningApp;

  beforeAll(async () => {
    app = await start();
  });

  afterAll(async () => {
    await app?.close();
  });

  it('serves the document and the page at the paths given, and leaves the rest to the platform and the endpoint', async () => {
    const document = await (await fetch(`${app.httpUrl}/docs/stomp.json`)).json();
    expect(document.info).toEqual({ title: 'Echo', version: '3.0.0' });
    expect(Object.values<any>(document.channels).map((c) => c.address)).toEqual(['/app/echo', '/topic/echo', '/user/queue/errors']);
    const page = await fetch(`${app.httpUrl}/docs/stomp`);
    expect(await page.text()).toContain('"url":"/docs/stomp.json"');
    const css = await fetch(`${app.httpUrl}/docs/stomp/asyncapi-ui.css`);
    expect([css.status, css.headers.get('content-type')]).toEqual([200, 'text/css; charset=utf-8']);
    expect((await fetch(`${app.httpUrl}/docs/stomp/other.js`)).status).toBe(404);
    expect(await (await fetch(`${app.httpUrl}/hello`)).text()).toBe('hello from the platform');

    const client = await connectStompClient(`${app.wsUrl}/stomp`);
    try {
      const inbox = await subscribeConfirmed(client, '/topic/echo');
      await publishConfirmed(client, '/app/echo', JSON.stringify({ text: 'still there' }));
      expect(JSON.parse((await inbox.waitFor(1))[0]!.body)).toEqual({ text: 'still there' });
    } finally {
      await deactivateAll(client);
    }
  });
});

/** GET with a Host header of our choosing (fetch will not send one). */
function getWithHost(url: string, host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { host } }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk)).on('end', () => resolve(body));
    });
    req.on('error', reject).end();
  });
}

describe('asyncApi servers take the Host asked for, when it is a host', () => {
  let app: RunningApp;

  beforeAll(async () => {
    app = await startApp(moduleWith({ asyncApi: true }));
  });

  afterAll(async () => {
    await app?.close();
  });

  it('echoes a host name and port, never anything else', async () => {
    const hosts = async (host: string) => Object.values<any>(JSON.parse(await getWithHost(`${app.httpUrl}/asyncapi.json`, host)).servers).map((s) => s.host);
    expect(await hosts('chat.example.com:8443')).toEqual(['chat.example.com:8443', 'chat.example.com:8443']);
    expect(await hosts('"><script>alert(1)</script>')).toEqual(['localhost', 'localhost']);
  });
});

describe('asyncApi off (the default)', () => {
  let app: RunningApp;

  beforeAll(async () => {
    app = await startApp(moduleWith({}));
  });

  afterAll(async () => {
    await app?.close();
  });

  it('serves nothing', async () => {
    expect((await fetch(`${app.httpUrl}/asyncapi.json`)).status).toBe(404);
    expect((await fetch(`${app.httpUrl}/asyncapi`)).status).toBe(404);
  });
});

describe('the error report schema', () => {
  let app: RunningApp;

  beforeAll(async () => {
    app = await startApp(moduleWith({ asyncApi: true }), (nest) => void nest.useGlobalPipes(new ValidationPipe()));
  });

  afterAll(async () => {
    await app?.close();
  });

  it('describes the report a failed message gets', async () => {
    const document = await (await fetch(`${app.httpUrl}/asyncapi.json`)).json();
    const errors = Object.values<any>(document.channels).find((c) => c.address === '/user/queue/errors');
    const schema = errors.messages.StompErrorReport.payload;
    const client = await connectStompClient(`${app.wsUrl}/stomp`);
    try {
      const inbox = await subscribeConfirmed(client, '/user/queue/errors');
      await publishConfirmed(client, '/app/echo', JSON.stringify({ text: 42 }));
      const report = JSON.parse((await inbox.waitFor(1))[0]!.body) as StompErrorReport;
      expect(report.error).toBe('BadRequestException');
      for (const key of schema.required) expect(report).toHaveProperty(key);
      for (const [key, value] of Object.entries(report)) {
        expect(Object.keys(schema.properties)).toContain(key);
        expect(schema.properties[key].type).toBe(Array.isArray(value) ? 'array' : typeof value);
      }
    } finally {
      await deactivateAll(client);
    }
  });
});
