import { Module } from '@nestjs/common';
import { StompModule, StompSessionRegistry, type StompConnectRequest, type StompModuleOptions } from 'nest-stomp';
import { startApp, type RunningApp } from '../support/apps.js';
import { RawStompClient } from '../support/raw-stomp-client.js';
import { unique } from '../support/unique.js';

/** What `authenticate` saw of each CONNECT's handshake. */
const seen: (string | undefined)[] = [];

function moduleWith(options: Partial<StompModuleOptions>): unknown {
  @Module({
    imports: [
      StompModule.forRoot({
        endpoint: { path: '/ws', sockJs: true },
        authenticate: (request: StompConnectRequest) => {
          seen.push(request.handshake.remoteAddress);
          return undefined;
        },
        ...options,
      }),
    ],
  })
  class TrustProxyModule {}
  return TrustProxyModule;
}

/** One SockJS xhr-polling session opened with `X-Forwarded-For: forwarded`, as a proxy would pass it on. */
async function sockJsConnect(httpUrl: string, forwarded: string): Promise<string> {
  const url = `${httpUrl}/ws/000/${unique('xhr')}`;
  const headers = { 'X-Forwarded-For': forwarded };
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
});
