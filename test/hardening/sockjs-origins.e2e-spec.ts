import { Module } from '@nestjs/common';
import { StompModule, StompSessionRegistry } from 'nest-stomp';
import { startApp, type RunningApp } from '../support/apps.js';
import { eventually } from '../support/eventually.js';
import { stompFrameOf } from '../support/frame-reading.js';
import { wsHandshake } from '../support/websockets.js';

@Module({
  imports: [StompModule.forRoot({ endpoint: { path: '/sock', sockJs: { disconnectDelay: 100 } } })],
})
class SockJsOriginModule {}

const FOREIGN = 'https://evil.example';
/** The 403 body: the refusal, then what to configure (publicOrigin or allowedOrigins). */
const REFUSED = expect.stringMatching(/^Origin not allowed: 'https:\/\/evil\.example' is not this server's origin\..*publicOrigin.*allowedOrigins/);

/**
 * Cross-site WebSocket hijacking through SockJS's HTTP fallbacks: every transport URL under
 * /{server}/{session}/ must refuse a foreign Origin before SockJS opens (or feeds) a session.
 * test/transport/origins.e2e-spec.ts covers raw WebSocket, SockJS's /info, xhr and websocket transports.
 */
describe('hardening: Origin check on every SockJS transport', () => {
  let server: RunningApp;
  let registry: StompSessionRegistry;
  let sameOrigin: string;

  beforeAll(async () => {
    server = await startApp(SockJsOriginModule);
    registry = server.app.get(StompSessionRegistry);
    sameOrigin = `http://127.0.0.1:${server.port}`;
  });

  afterAll(async () => {
    await server.close();
  });

  afterEach(async () => {
    // Sessions the allowed requests opened end disconnectDelay after their request went away.
    await eventually(() => registry.size === 0, 'the SockJS sessions to end');
  });

  function sessionUrl(transport: string): string {
    return `${server.httpUrl}/sock/000/${Math.random().toString(36).slice(2, 10)}/${transport}`;
  }

  /** Status of a request; streaming responses are cut once their headers are in. */
  async function statusOf(url: string, init: RequestInit & { origin?: string }): Promise<{ status: number; body?: string }> {
    const controller = new AbortController();
    const headers = new Headers(init.headers);
    if (init.origin) headers.set('Origin', init.origin);
    const response = await fetch(url, { ...init, headers, signal: controller.signal });
    if (response.status === 403) return { status: 403, body: await response.text() };
    controller.abort();
    return { status: response.status };
  }

  it.each([
    ['xhr_streaming', 'POST', ''],
    ['eventsource', 'GET', ''],
    ['htmlfile', 'GET', '?c=callback'],
    ['jsonp', 'GET', '?c=callback'],
    ['xhr', 'POST', ''],
  ])('%s (%s): HTTP 403 for a foreign Origin and no session opened; served for its own origin and without Origin', async (transport, method, query) => {
    const refused = await statusOf(sessionUrl(transport) + query, { method, origin: FOREIGN });
    expect(refused).toEqual({ status: 403, body: REFUSED });
    expect(registry.size).toBe(0);

    for (const origin of [sameOrigin, undefined]) {
      const served = await statusOf(sessionUrl(transport) + query, { method, origin });
      expect(served.status).toBe(200);
    }
  });

  it('websocket under /{server}/{session}/: HTTP 403 for a foreign Origin, open for its own origin', async () => {
    const url = sessionUrl('websocket').replace(/^http/, 'ws');
    expect(await wsHandshake(url, { headers: { Origin: FOREIGN }, protocols: [] })).toEqual({ status: 403, body: REFUSED });
    const own = await wsHandshake(url, { headers: { Origin: sameOrigin }, protocols: [] });
    expect(own.status).toBe(101);
    own.socket?.terminate();
  });

  it.each([
    ['xhr_send', (frame: string) => ({ body: JSON.stringify([frame]), headers: { 'Content-Type': 'text/plain' } }), 204],
    [
      'jsonp_send',
      (frame: string) => ({ body: `d=${encodeURIComponent(JSON.stringify([frame]))}`, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }),
      200,
    ],
  ])('%s: a foreign page cannot feed frames into an open session (403, the frame never arrives)', async (transport, encode, okStatus) => {
    const session = `${server.httpUrl}/sock/000/${Math.random().toString(36).slice(2, 10)}`;
    const open = await fetch(`${session}/xhr`, { method: 'POST' });
    expect(await open.text()).toBe('o\n');
    const connect = 'CONNECT\naccept-version:1.2\nheart-beat:0,0\n\n\0';

    const forged = await fetch(`${session}/${transport}`, { method: 'POST', ...encode(connect), headers: { ...encode(connect).headers, Origin: FOREIGN } });
    expect(forged.status).toBe(403);
    expect(await forged.text()).toEqual(REFUSED);

    // Had the forged CONNECT got through, this one would be refused: "Session already exists".
    const genuine = await fetch(`${session}/${transport}`, { method: 'POST', ...encode(connect), headers: { ...encode(connect).headers, Origin: sameOrigin } });
    expect(genuine.status).toBe(okStatus);
    // A long poll answers with whatever is ready: a SockJS heart-beat ('h') may come first.
    let poll = 'h';
    for (let attempt = 0; attempt < 5 && !poll.startsWith('a'); attempt++) poll = await (await fetch(`${session}/xhr`, { method: 'POST' })).text();
    expect(poll.startsWith('a')).toBe(true);
    const frames = (JSON.parse(poll.slice(1)) as string[]).map((f) => stompFrameOf(f));
    expect(frames.map((f) => f.command)).toEqual(['CONNECTED']);

    // Leave politely: DISCONNECT, and the session is gone at once.
    await fetch(`${session}/xhr_send`, { method: 'POST', body: JSON.stringify(['DISCONNECT\n\n\0']), headers: { 'Content-Type': 'text/plain' } });
  });
});
