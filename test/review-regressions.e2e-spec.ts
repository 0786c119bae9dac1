import { Module } from '@nestjs/common';
import { StompModule } from 'nest-stomp';
import { useApp } from './support/apps.js';
import { RawStompClient } from './support/raw-stomp-client.js';

@Module({
  imports: [
    StompModule.forRoot({
      endpoint: { path: '/ws', sockJs: true },
      heartbeat: [0, 0],
      maxFrameSize: 1024,
      authenticate: ({ login }) => (login ? { name: login, admin: login === 'root' } : undefined),
      authorization: {
        rules: [
          { destination: '/topic/admin/**', allow: (user) => user?.['admin'] === true },
          { destination: '/topic/**', on: 'SUBSCRIBE', allow: 'everyone' },
        ],
      },
    }),
  ],
})
class GuardedModule {}

/** Holes a review found, each closed: these fail if one opens again. */
describe('closed holes', () => {
  const server = useApp(GuardedModule);

  it.each(['/topic/**', '/topic/*/secrets', '/topic/admin/*'])('refuses a pattern SUBSCRIBE (%s) that could read a restricted topic', async (pattern) => {
    const eve = await RawStompClient.connect(`${server.wsUrl}/ws`, { login: 'eve' });
    eve.send('SUBSCRIBE', { id: '1', destination: pattern, receipt: 'r' });
    const error = await eve.nextFrame('ERROR');
    expect(error.headers.message).toBe(
      `SUBSCRIBE refused: a pattern subscription to '${pattern}' could reach destinations the authorization rules restrict: subscribe to them one by one`,
    );
    expect(error.headers['receipt-id']).toBe('r');
    await eve.waitClosed();
  });

  it('lets the admin subscribe to the pattern, since every rule admits them', async () => {
    const root = await RawStompClient.connect(`${server.wsUrl}/ws`, { login: 'root' });
    root.send('SUBSCRIBE', { id: '1', destination: '/topic/**', receipt: 'r' });
    await root.nextFrame('RECEIPT');
    await root.disconnect();
  });

  it('refuses a subscription pattern too costly to match, before it can stall publishes', async () => {
    const root = await RawStompClient.connect(`${server.wsUrl}/ws`, { login: 'root' });
    root.send('SUBSCRIBE', { id: '1', destination: '/topic/*a*a*a*a*b', receipt: 'r' });
    expect((await root.nextFrame('ERROR')).headers.message).toBe(
      "Subscription pattern '/topic/*a*a*a*a*b' is too complex: use at most one '*' per segment and one '**', and no '{...}'",
    );
  });

  it('refuses a SockJS POST body larger than a few frames with 413, before buffering it', async () => {
    const big = 'x'.repeat(64 * 1024);
    const declared = await fetch(`${server.httpUrl}/ws/000/session1/xhr_send`, { method: 'POST', body: big });
    expect(declared.status).toBe(413);
    expect(await declared.text()).toBe('Request body over 8192 bytes (maxSockJsRequestBody, derived from option maxFrameSize)');
  });
});
