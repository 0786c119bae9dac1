import { request as httpRequest } from 'node:http';
import { Module, type LoggerService } from '@nestjs/common';
import { StompModule, StompSessionRegistry } from 'nest-stomp';
import { AppModule } from '../../apps/chat/src/app.module.js';
import { startApp, useApp, type RunningApp } from '../support/apps.js';
import { wsHandshake } from '../support/websockets.js';
import { eventually } from '../support/eventually.js';

@Module({
  imports: [
    StompModule.forRoot({
      endpoint: [
        // A SockJS session a test opened ends 100 ms after its request, not 5 s later.
        { path: '/own', sockJs: { disconnectDelay: 100 } },
        { path: '/public', sockJs: true, publicOrigin: 'https://chat.example.com' },
        { path: '/partners', sockJs: true, allowedOrigins: ['https://app.example.com', 'http://*.partner.test:8080'] },
      ],
    }),
  ],
})
class OriginRebindingModule {}

/** Collects the warnings the app logs. */
class WarningLog implements LoggerService {
  readonly warnings: string[] = [];
  log(): void {}
  error(): void {}
  warn(message: unknown): void {
    this.warnings.push(String(message));
  }
}

/**
 * Issue 11, item 8: an Origin check that ignores the scheme, or trusts an Origin because it equals
 * the Host header, lets a foreign page in: `https://` on a plain-http server, and DNS rebinding (a
 * page at http://evil.example:PORT whose name now resolves to this server sends Origin and Host
 * `evil.example:PORT` alike). Every handshake here forges its Origin and Host headers, as the
 * browser of a rebinding attack would send them, against a plain-http server on 127.0.0.1.
 */
describe('hardening: Origin compares scheme, host and port with what the server really is', () => {
  const log = new WarningLog();
  const server = useApp(OriginRebindingModule, (app) => app.useLogger(log));

  /** A raw WebSocket handshake with these Origin and Host headers: 101, or the refusal's status and body. */
  async function handshake(path: string, origin: string, host = `127.0.0.1:${server.port}`): Promise<{ status: number; body?: string }> {
    // SockJS's own websocket transport (/{server}/{session}/websocket) speaks no STOMP sub-protocol.
    const protocols = /\/\d+\/[^/]+\/websocket$/.test(path) ? [] : ['v12.stomp'];
    const result = await wsHandshake(`${server.wsUrl}${path}`, { headers: { Origin: origin, Host: host }, protocols });
    result.socket?.terminate();
    return { status: result.status, ...(result.body === undefined ? {} : { body: result.body }) };
  }

  /** An HTTP request with forged headers (fetch would not send our Host). */
  function http(path: string, method: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port: server.port, path, method, headers: { Host: `127.0.0.1:${server.port}`, ...headers } }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end(method === 'POST' ? '' : undefined);
    });
  }

  const session = () => `000/${Math.random().toString(36).slice(2, 10)}`;
  const refusedBody = expect.stringMatching(/^Origin not allowed: .*publicOrigin.*allowedOrigins/);

  it('accepts the origin the server really serves: http, its own address or localhost, its port', async () => {
    expect(await handshake('/own', `http://127.0.0.1:${server.port}`)).toEqual({ status: 101 });
    expect(await handshake('/own', `http://localhost:${server.port}`, `localhost:${server.port}`)).toEqual({ status: 101 });
    expect(await handshake(`/own/${session()}/websocket`, `http://127.0.0.1:${server.port}`)).toEqual({ status: 101 });
  });

  it('refuses https:// on this plain-http server, with a 403 that says what to configure', async () => {
    expect(await handshake('/own', `https://127.0.0.1:${server.port}`)).toEqual({ status: 403, body: refusedBody });
    expect(await handshake('/own/websocket', `https://localhost:${server.port}`, `localhost:${server.port}`)).toEqual({ status: 403, body: refusedBody });
  });

  it('refuses a rebound host name even though Origin and Host agree', async () => {
    const rebound = `evil.example:${server.port}`;
    expect(await handshake('/own', `http://${rebound}`, rebound)).toEqual({ status: 403, body: refusedBody });
    expect(await handshake('/own/websocket', `http://${rebound}`, rebound)).toEqual({ status: 403, body: refusedBody });
    expect(await handshake(`/own/${session()}/websocket`, `http://${rebound}`, rebound)).toEqual({ status: 403, body: refusedBody });
    // An IP literal that is not the address the connection arrived on is no better.
    expect(await handshake('/own', `http://10.9.8.7:${server.port}`, `10.9.8.7:${server.port}`)).toEqual({ status: 403, body: refusedBody });
  });

  it('refuses another port: against the Host, and against the port the connection arrived on', async () => {
    const other = server.port === 65535 ? server.port - 1 : server.port + 1;
    expect(await handshake('/own', `http://127.0.0.1:${other}`)).toEqual({ status: 403, body: refusedBody });
    expect(await handshake('/own', `http://127.0.0.1:${other}`, `127.0.0.1:${other}`)).toEqual({ status: 403, body: refusedBody });
    expect(await handshake('/own', 'http://127.0.0.1')).toEqual({ status: 403, body: refusedBody });
  });

  it('refuses on every SockJS HTTP transport alike, and serves its own origin and non-browser clients', async () => {
    const rebound = `evil.example:${server.port}`;
    const forged: Record<string, string>[] = [
      { Origin: `https://127.0.0.1:${server.port}` },
      { Origin: `http://${rebound}`, Host: rebound },
      { Origin: `http://127.0.0.1:${server.port + 1}` },
    ];
    for (const headers of forged) {
      expect(await http('/own/info', 'GET', headers)).toEqual({ status: 403, body: refusedBody });
      expect(await http(`/own/${session()}/xhr`, 'POST', headers)).toEqual({ status: 403, body: refusedBody });
      expect(await http(`/own/${session()}/xhr_send`, 'POST', headers)).toEqual({ status: 403, body: refusedBody });
    }
    expect((await http('/own/info', 'GET', { Origin: `http://127.0.0.1:${server.port}` })).status).toBe(200);
    expect((await http('/own/info', 'GET', {})).status).toBe(200);
    const open = await http(`/own/${session()}/xhr`, 'POST', { Origin: `http://localhost:${server.port}`, Host: `localhost:${server.port}` });
    expect(open).toEqual({ status: 200, body: 'o\n' });
    await eventually(() => server.app.get(StompSessionRegistry).size === 0, 'the SockJS session to end');
  });

  it('with publicOrigin: accepts exactly that origin, whatever the Host, and nothing else', async () => {
    expect(await handshake('/public', 'https://chat.example.com', 'backend.internal:3000')).toEqual({ status: 101 });
    expect(await handshake('/public', 'https://chat.example.com', 'chat.example.com')).toEqual({ status: 101 });
    expect((await http('/public/info', 'GET', { Origin: 'https://chat.example.com', Host: 'chat.example.com' })).status).toBe(200);
    for (const origin of ['http://chat.example.com', 'https://chat.example.com:8443', 'https://evil.example', `http://127.0.0.1:${server.port}`]) {
      expect([origin, await handshake('/public', origin, new URL(origin).host)]).toEqual([origin, { status: 403, body: refusedBody }]);
    }
    expect(await http('/public/info', 'GET', { Origin: 'http://chat.example.com', Host: 'chat.example.com' })).toEqual({ status: 403, body: refusedBody });
  });

  it('with allowedOrigins: exact entries and patterns match scheme, host and port as written', async () => {
    const allowed = ['https://app.example.com', 'http://eu.partner.test:8080', 'http://a.b.partner.test:8080'];
    const refused = [
      'http://app.example.com',
      'https://app.example.com:8443',
      'https://app.example.com.evil.example',
      'http://partner.test:8080',
      'http://eu.partner.test:8081',
      'http://eu.partner.test',
      'https://eu.partner.test:8080',
      'http://evil.example:8080/.partner.test:8080',
      'http://evil.example:1.partner.test:8080',
    ];
    for (const origin of allowed) expect([origin, await handshake('/partners', origin, 'evil.example')]).toEqual([origin, { status: 101 }]);
    for (const origin of refused) expect([origin, await handshake('/partners', origin, 'evil.example')]).toEqual([origin, { status: 403, body: refusedBody }]);
    expect((await http('/partners/info', 'GET', { Origin: 'http://eu.partner.test:8080' })).status).toBe(200);
    expect((await http('/partners/info', 'GET', { Origin: 'http://eu.partner.test:8081' })).status).toBe(403);
  });

  it('logs a refusal at warn with the origin and the fix, once per origin per minute however often it comes', async () => {
    const origin = `http://rebound-${Math.random().toString(36).slice(2, 8)}.example:${server.port}`;
    const host = new URL(origin).host;
    for (let i = 0; i < 30; i++) expect((await handshake('/own', origin, host)).status).toBe(403);
    for (let i = 0; i < 10; i++) expect((await http('/own/info', 'GET', { Origin: origin, Host: host })).status).toBe(403);
    const lines = log.warnings.filter((line) => line.includes(origin));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`Refused a browser connection from Origin '${origin}'`);
    expect(lines[0]).toContain('DNS rebinding');
    expect(lines[0]).toContain(`set the endpoint option publicOrigin: '${origin}'`);
    expect(lines[0]).toContain('allowedOrigins');
  });
});

describe('hardening: the chat app takes its public origins from PUBLIC_ORIGIN', () => {
  let chat: RunningApp;

  beforeAll(async () => {
    const before = process.env.PUBLIC_ORIGIN;
    process.env.PUBLIC_ORIGIN = 'https://chat.example.com, https://chat.example.org:8443';
    try {
      chat = await startApp(AppModule);
    } finally {
      if (before === undefined) delete process.env.PUBLIC_ORIGIN;
      else process.env.PUBLIC_ORIGIN = before;
    }
  });

  afterAll(async () => {
    await chat?.close();
  });

  it('accepts those origins (behind a proxy the Host is the backend) and refuses the rest', async () => {
    const at = async (origin: string, host: string) => {
      const result = await wsHandshake(`${chat.wsUrl}/portfolio`, { headers: { Origin: origin, Host: host } });
      result.socket?.terminate();
      return result.status;
    };
    expect(await at('https://chat.example.com', `127.0.0.1:${chat.port}`)).toBe(101);
    expect(await at('https://chat.example.org:8443', 'backend:3000')).toBe(101);
    expect(await at('http://chat.example.com', 'chat.example.com')).toBe(403);
    expect(await at('https://chat.example.org', 'chat.example.org')).toBe(403);
    // The public origins replace the server's own address as "same origin".
    expect(await at(`http://127.0.0.1:${chat.port}`, `127.0.0.1:${chat.port}`)).toBe(403);
  });
});
