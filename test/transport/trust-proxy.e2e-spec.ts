import { Module } from '@nestjs/common';
import { StompModule, StompSessionRegistry, type StompConnectRequest, type StompModuleOptions } from 'nest-stomp';
import { startApp, type RunningApp } from '../support/apps.js';
import { RawStompClient } from '../support/raw-stomp-client.js';
import { SockJsWebSocket } from '../support/sockjs-websocket.js';
import { unique } from '../support/unique.js';

/** What `authenticate` saw of each CONNECT's handshake: the client address, and the cookie header. */
const seen: (string | undefined)[] = [];
const cookies: (string | undefined)[] = [];

function moduleWith(options: Partial<StompModuleOptions>): unknown {
  @Module({
    imports: [
      StompModule.forRoot({
        endpoint: { path: '/ws', sockJs: true },
        authenticate: (request: StompConnectRequest) => {
          seen.push(request.handshake.remoteAddress);
          cookies.push(request.handshake.headers.cookie);
          return undefined;
        },
        ...options,
      }),
    ],
  })
  class TrustProxyModule {}
  return TrustProxyModule;
}

/**
 * One SockJS xhr-polling session opened with `X-Forwarded-For: forwarded` (or the headers given),
 * as a proxy would pass it on.
 */
async function sockJsConnect(httpUrl: string, forwarded: string | Record<string, string>): Promise<string> {
  const url = `${httpUrl}/ws/000/${unique('xhr')}`;
  const headers = typeof forwarded === 'string' ? { 'X-Forwarded-For': forwarded } : forwarded;
  expect(await (await fetch(`${url}/xhr`, { method: 'POST', headers })).text()).toBe('o\n');
  const sent = await fetch(`${url}/xhr_send`, { method: 'POST', body: JSON.stringify(['CONNECT\naccept-version:1.2\nheart-beat:0,0\n\n\0']), headers });
  expect(sent.status).toBe(204);
  const answer = await (await fetch(`${url}/xhr`, { method: 'POST', headers })).text();
  // SockJS's array frame `a[...]`: the STOMP frames it carries.
  return answer.startsWith('a[') ? (JSON.parse(answer.slice(1)) as string[]).join('') : answer;
}

describe('trustProxy: the client address behind a proxy', () => {
  let server: RunningApp | undefined;
  const clients: RawStompClient[] = [];

  afterEach(async () => {
    for (const client of clients.splice(0)) client.terminate();
    await server?.close();
    server = undefined;
    seen.length = 0;
    cookies.length = 0;
  });

  it("takes a trusted peer's X-Forwarded-For, on raw WebSocket and SockJS alike: the limit, authenticate and the session see it", async () => {
    server = await startApp(moduleWith({ trustProxy: 'loopback', maxConnectionsPerAddress: 1 }));
    const client = await RawStompClient.open(`${server.wsUrl}/ws`, ['v12.stomp'], { 'X-Forwarded-For': '203.0.113.1' });
    clients.push(client);
    client.send('CONNECT', { 'accept-version': '1.2', 'heart-beat': '0,0' });
    const connected = await client.nextFrame('CONNECTED');
    expect(server.app.get(StompSessionRegistry).get(connected.headers.session!)!.handshake.remoteAddress).toBe('203.0.113.1');

    // SockJS: another client is another address, though every request comes from 127.0.0.1...
    expect(await sockJsConnect(server.httpUrl, '203.0.113.2')).toMatch(/^CONNECTED\n/);
    // ...and one address is one address, whatever the transport.
    expect(await sockJsConnect(server.httpUrl, '203.0.113.1')).toMatch(/^ERROR\nmessage:Too many connections from 203\.0\.113\.1(:|\\c) at most 1 \(option maxConnectionsPerAddress\)/);
    expect(seen).toEqual(['203.0.113.1', '203.0.113.2']);
    expect(server.app.get(StompSessionRegistry).countFrom('127.0.0.1')).toBe(0);
  });

  it('ignores X-Forwarded-For by default: anyone can write it', async () => {
    server = await startApp(moduleWith({ maxConnectionsPerAddress: 1 }));
    expect(await sockJsConnect(server.httpUrl, '203.0.113.3')).toMatch(/^CONNECTED\n/);
    expect(await sockJsConnect(server.httpUrl, '203.0.113.4')).toMatch(/^ERROR\nmessage:Too many connections from 127\.0\.0\.1(:|\\c) at most 1 /);
    expect(seen).toEqual(['127.0.0.1']);
  });

  it('turns the per-address limit off with maxConnectionsPerAddress: 0', async () => {
    server = await startApp(moduleWith({ maxConnectionsPerAddress: 0 }));
    for (let i = 0; i < 3; i++) expect(await sockJsConnect(server.httpUrl, '203.0.113.5')).toMatch(/^CONNECTED\n/);
    expect(server.app.get(StompSessionRegistry).countFrom('127.0.0.1')).toBe(3);
  });

  it("reads RFC 7239 Forwarded from a trusted peer on raw WebSocket and both SockJS kinds (its full request headers reach the session)", async () => {
    server = await startApp(moduleWith({ trustProxy: 'loopback' }));
    const sessions = server.app.get(StompSessionRegistry);

    const raw = await RawStompClient.open(`${server.wsUrl}/ws`, ['v12.stomp'], { Forwarded: 'for="[2001:db8::1]:4711";proto=https' });
    clients.push(raw);
    raw.send('CONNECT', { 'accept-version': '1.2', 'heart-beat': '0,0' });
    expect(sessions.get((await raw.nextFrame('CONNECTED')).headers.session!)!.handshake.remoteAddress).toBe('2001:db8::1');

    // sockjs hands its sessions only a few request headers (not Forwarded, not Cookie): the endpoint keeps them.
    expect(await sockJsConnect(server.httpUrl, { Forwarded: 'for=198.51.100.9, for=127.0.0.1', Cookie: 'sid=polling' })).toMatch(/^CONNECTED\n/);
    const overWebSocket = await SockJsWebSocket.open(server.wsUrl, '/ws', { Forwarded: 'for=_hidden', Cookie: 'sid=websocket' });
    try {
      overWebSocket.send('CONNECT\naccept-version:1.2\nheart-beat:0,0\n\n\0');
      await overWebSocket.until(() => overWebSocket.messages.some((m) => m.startsWith('CONNECTED')), 'CONNECTED');
    } finally {
      overWebSocket.socket.terminate();
    }
    expect(seen).toEqual(['2001:db8::1', '198.51.100.9', '_hidden']);
    expect(cookies).toEqual([undefined, 'sid=polling', 'sid=websocket']);
  });

  it('prefers X-Forwarded-For when a request has both: the header the proxy does not set may be forged', async () => {
    server = await startApp(moduleWith({ trustProxy: 'loopback' }));
    expect(await sockJsConnect(server.httpUrl, { 'X-Forwarded-For': '203.0.113.20', Forwarded: 'for=10.0.0.66' })).toMatch(/^CONNECTED\n/);
    expect(seen).toEqual(['203.0.113.20']);
  });
});
