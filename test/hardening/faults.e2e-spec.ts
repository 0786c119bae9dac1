import { jest } from '@jest/globals';
import { Module } from '@nestjs/common';
import { SimpUserRegistry, StompModule, StompSessionRegistry } from 'nest-stomp';
import { useApp, serverConnections } from '../support/apps.js';
import { disconnectOf } from '../support/events.js';
import { eventually } from '../support/eventually.js';
import { RawStompClient } from '../support/raw-stomp-client.js';
import { closeAll, frameBytes, publish, receiptFor, subscribe, subscriptionCount, waitMessages } from '../support/raw-frames.js';
import { SESSIONLESS_TIMERS, TimerTracker, within } from '../support/timers.js';
import { unique } from '../support/unique.js';
import { netSocketOf } from '../support/websockets.js';

jest.setTimeout(30_000);

@Module({ imports: [StompModule.forRoot({ endpoint: '/ws', heartbeat: [100, 100] })] })
class HeartbeatModule {}

@Module({ imports: [StompModule.forRoot({ endpoint: '/ws', authenticate: ({ login }) => (login ? { name: login } : undefined) })] })
class ChurnModule {}

describe('hardening: a half-open connection (heart-beat 100,100, grace factor 3)', () => {
  const server = useApp(HeartbeatModule);
  const url = () => `${server.wsUrl}/ws`;

  it('ends the session of a peer that neither reads nor writes (no FIN), by heart-beat timeout, and frees all it held', async () => {
    const registry = server.app.get(StompSessionRegistry);
    const baseline = { sessions: registry.size, subscriptions: subscriptionCount(server.app) };
    const other = await RawStompClient.connect(url(), { 'heart-beat': '0,0' });
    const ghost = await RawStompClient.connect(url(), { 'heart-beat': '100,100' });
    const sessionId = ghost.frames[0]!.headers.session!;
    await subscribe(ghost, '/topic/ghost');
    expect(registry.size).toBe(baseline.sessions + 2);
    try {
      const gone = disconnectOf(server.app, sessionId);
      // From now on the peer is gone without a word: it reads nothing and sends nothing, not even heart-beats.
      netSocketOf(ghost.socket).pause();
      const silentSince = Date.now();
      const disconnect = await within(gone, 5000, 'the server to notice the silent peer');
      const elapsed = Date.now() - silentSince;

      expect(disconnect.reason).toBe('error');
      // 3 x max(100, 100) ms after the last byte from the client.
      expect(elapsed).toBeGreaterThanOrEqual(250);
      expect(elapsed).toBeLessThan(2000);
      expect(registry.get(sessionId)).toBeUndefined();
      expect(registry.size).toBe(baseline.sessions + 1);
      expect(subscriptionCount(server.app)).toBe(baseline.subscriptions);

      // The ERROR waited in the network for a peer that might come back.
      netSocketOf(ghost.socket).resume();
      const error = await ghost.nextFrame('ERROR');
      expect(error.headers.message).toBe('No frame or heart-beat from the client for 300 ms');
      expect((await ghost.waitClosed()).code).toBe(1002);

      // The other session, quiet but without heart-beats agreed, goes on.
      await subscribe(other, '/topic/alive');
      await publish(other, '/topic/alive', 'still here');
      expect((await waitMessages(other, 1, '/topic/alive'))[0]!.text).toBe('still here');
    } finally {
      netSocketOf(ghost.socket).resume();
      await closeAll(ghost, other);
    }
  });
});

describe('hardening: thousands of connect/disconnect cycles', () => {
  const server = useApp(ChurnModule);
  const url = () => `${server.wsUrl}/ws`;

  const CYCLES = 2000;
  const CONCURRENCY = 25;

  /** One session's life: CONNECT (with heart-beats, so it has timers), SUBSCRIBE, then one of four endings. */
  async function cycle(i: number): Promise<void> {
    const client = await RawStompClient.open(url());
    const login: Record<string, string> = i % 3 === 0 ? { login: `user-${i % 7}` } : {};
    client.write(
      Buffer.concat([
        frameBytes('CONNECT', { 'accept-version': '1.2', 'heart-beat': '5000,5000', ...login }),
        frameBytes('SUBSCRIBE', { id: 's', destination: `/topic/churn.${i % 10}`, receipt: 'subscribed' }),
        frameBytes('SUBSCRIBE', { id: 'u', destination: '/user/queue/churn' }),
      ]),
    );
    await receiptFor(client, 'subscribed');
    switch (i % 4) {
      case 0:
        await client.disconnect();
        break;
      case 1:
        client.terminate();
        break;
      case 2:
        client.socket.close();
        await client.waitClosed();
        break;
      case 3:
        client.send('SEND', { 'content-type': 'text/plain' }, 'no destination');
        await client.nextFrame('ERROR');
        await client.waitClosed();
        break;
    }
  }

  it(`leaves no session, subscription, user, socket or timer behind after ${CYCLES} cycles ending four ways`, async () => {
    const registry = server.app.get(StompSessionRegistry);
    const users = server.app.get(SimpUserRegistry);
    const timers = TimerTracker.start();
    const watcher = await RawStompClient.connect(url());
    await subscribe(watcher, '/topic/churn.watch');

    let next = 0;
    const workers = Array.from({ length: CONCURRENCY }, async () => {
      while (next < CYCLES) await cycle(next++);
    });
    await Promise.all(workers);

    await closeAll(watcher);
    await eventually(() => registry.size === 0, 'every session to leave the registry', 10_000);
    expect(subscriptionCount(server.app)).toBe(0);
    expect(users.userCount).toBe(0);
    await eventually(async () => (await serverConnections(server.app)) === 0, 'every socket to close', 10_000);
    try {
      // Every session armed timers (connect timeout, heart-beats): each one fired or was cleared.
      expect(timers.created).toBeGreaterThan(2 * CYCLES);
      await eventually(() => timers.live(SESSIONLESS_TIMERS).length === 0, 'every timer to be cleared', 10_000).catch(() => {
        throw new Error(`timers left running: ${timers.live(SESSIONLESS_TIMERS).slice(0, 10).join(', ')} (${timers.live(SESSIONLESS_TIMERS).length} in all)`);
      });
    } finally {
      timers.stop();
    }
  });

  it('still serves new sessions afterwards', async () => {
    const client = await RawStompClient.connect(url());
    const topic = `/topic/${unique('after')}`;
    await subscribe(client, topic);
    await publish(client, topic, 'fine');
    expect((await waitMessages(client, 1, topic))[0]!.text).toBe('fine');
    await closeAll(client);
  });
});
