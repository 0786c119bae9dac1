import { StompAdmin, StompStats } from 'nest-stomp';
import type { AppFixture } from '../support/apps.js';
import { eventually } from '../support/eventually.js';
import { RawStompClient } from '../support/raw-stomp-client.js';
import { redisAvailable, uniqueChannelPrefix } from '../support/redis.js';
import { useTwoChatInstances } from '../support/two-instances.js';

const describeWithRedis = (await redisAvailable()) ? describe : describe.skip;

/** Raw clients opened by a test, closed after it. */
const opened: RawStompClient[] = [];

async function rawClient(app: AppFixture, headers: Record<string, string> = {}): Promise<RawStompClient> {
  const client = await RawStompClient.connect(`${app.wsUrl}/portfolio`, headers);
  opened.push(client);
  return client;
}

afterEach(() => {
  for (const client of opened.splice(0)) client.terminate();
});

describeWithRedis('StompAdmin: two chat instances on Redis', () => {
  const { a, b } = useTwoChatInstances({ STOMP_BROKER: 'redis', REDIS_CHANNEL_PREFIX: uniqueChannelPrefix('admin') });

  it('lists the sessions of an instance: user, address, transport, subscriptions, since when, bytes', async () => {
    const carol = await rawClient(b, { login: 'carol' });
    carol.send('SUBSCRIBE', { id: 'sub-1', destination: '/topic/admin.list', receipt: 'r1' });
    await carol.nextFrame('RECEIPT');
    const listed = b.app.get(StompAdmin).sessions().find((session) => session.user === 'carol');
    expect(listed).toMatchObject({
      address: '127.0.0.1',
      transport: 'websocket',
      connected: true,
      subscriptions: [{ id: 'sub-1', destination: '/topic/admin.list' }],
    });
    expect(listed!.connectedSince!.getTime()).toBeLessThanOrEqual(Date.now());
    expect(listed!.bytesReceived).toBeGreaterThan(0);
    expect(listed!.bytesSent).toBeGreaterThan(0);
    expect(a.app.get(StompAdmin).sessions().some((session) => session.user === 'carol')).toBe(false);
  });

  it("disconnects every session of a user on the other instance, the client told the reason in its ERROR", async () => {
    const mallory1 = await rawClient(b, { login: 'mallory' });
    const mallory2 = await rawClient(b, { login: 'mallory' });
    const dave = await rawClient(b, { login: 'dave' });

    expect(await a.app.get(StompAdmin).disconnectUser('mallory', 'Banned for spamming')).toBe(0);

    for (const client of [mallory1, mallory2]) {
      expect((await client.nextFrame('ERROR')).headers.message).toBe('Banned for spamming');
      expect((await client.waitClosed()).code).toBe(1008);
    }
    expect(dave.closed).toBeUndefined();
    expect(b.app.get(StompStats).snapshot().closes.admin).toBeGreaterThanOrEqual(2);
  });

  it('disconnects one session by id, wherever it is', async () => {
    const first = await rawClient(b, { login: 'erin' });
    const second = await rawClient(b, { login: 'erin' });
    const ids = b.app.get(StompAdmin).sessions().filter((session) => session.user === 'erin').map((session) => session.id);
    expect(ids).toHaveLength(2);

    expect(await a.app.get(StompAdmin).disconnect(ids[0]!, 'Your session was ended by an operator')).toBe(false);

    const [ended, kept] = await firstClosedOf(first, second);
    expect((await ended.nextFrame('ERROR')).headers.message).toBe('Your session was ended by an operator');
    expect(kept.closed).toBeUndefined();
    expect(b.app.get(StompAdmin).sessions().filter((session) => session.user === 'erin').map((session) => session.id)).toEqual([ids[1]]);
  });
});

describeWithRedis('StompAdmin.rebalance', () => {
  const { a } = useTwoChatInstances({ STOMP_BROKER: 'redis', REDIS_CHANNEL_PREFIX: uniqueChannelPrefix('rebalance') });

  it('asks a share of the clients to reconnect (ERROR, close 1012), their closes spread over the period', async () => {
    const admin = a.app.get(StompAdmin);
    const already = admin.sessions().length;
    const clients = await Promise.all([1, 2, 3, 4, 5, 6].map(() => rawClient(a)));
    const closedAt = new Map<RawStompClient, number>();
    for (const client of clients) client.socket.once('close', () => closedAt.set(client, Date.now()));

    const started = Date.now();
    const asked = await admin.rebalance({ share: 0.5, over: 600 });
    expect(asked).toBe(Math.round(0.5 * (already + 6)));

    // The server has closed them; their clients hear of it a moment later.
    await eventually(() => closedAt.size >= asked, `${asked} clients closed`);
    const moved = clients.filter((client) => closedAt.has(client));
    expect(moved.length).toBe(asked);
    for (const client of moved) {
      expect((await client.nextFrame('ERROR')).headers.message).toBe('Server is rebalancing: reconnect');
      expect((await client.waitClosed()).code).toBe(1012);
    }
    const times = [...closedAt.values()].sort((x, y) => x - y);
    // Evenly over 600 ms: the first at once, the last at the end, not all together.
    expect(times[0]! - started).toBeLessThan(300);
    expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual(500);
    expect(a.app.get(StompStats).snapshot().closes.rebalance).toBe(asked);
  });

  it('refuses a share outside 0..1', () => {
    expect(() => a.app.get(StompAdmin).rebalance({ share: 1.5 })).toThrow("Invalid StompModule option 'rebalance.share'");
  });
});

/** Waits until one of two clients is closed: [the closed one, the other]. */
async function firstClosedOf(x: RawStompClient, y: RawStompClient): Promise<[RawStompClient, RawStompClient]> {
  const winner = await Promise.race([x.waitClosed().then(() => x), y.waitClosed().then(() => y)]);
  return winner === x ? [x, y] : [y, x];
}
