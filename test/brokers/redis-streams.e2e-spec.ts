import { jest } from '@jest/globals';
import { STOMP_BROKER, type RedisBroker } from 'nest-stomp';
import { startApp } from '../support/apps.js';
import { closeAll } from '../support/raw-frames.js';
import { RawStompClient } from '../support/raw-stomp-client.js';
import { redisAvailable, SHARED_REDIS_URL, uniqueChannelPrefix } from '../support/redis.js';
import { Redis } from 'ioredis';
import { CAPPED, deleteKeys, RETAINED, streamsModule } from '../support/redis-streams.js';
import { messagesFor, offsetOf, sendAll, subscribeFrom, waitFor } from '../support/stream-frames.js';
import { useTwoInstances } from '../support/two-instances.js';
import { unique } from '../support/unique.js';

const describeWithRedis = (await redisAvailable()) ? describe : describe.skip;

// A thousand messages each way on a loaded machine: waits are on frames, this is only the safety net.
jest.setTimeout(60_000);

const numbered = (from: number, to: number): string[] => Array.from({ length: to - from }, (_, i) => `m${from + i}`);

describeWithRedis("Redis broker, mode 'streams': replay and catch-up on the shared Redis", () => {
  const channelPrefix = uniqueChannelPrefix('streams');
  // `/queue/log/...` is retained too: a stream, read by every subscriber, not a point-to-point queue.
  const retention = [{ destinations: [RETAINED, '/queue/log/**'], maxMessages: 5000 }, CAPPED];
  const { a, b } = useTwoInstances({ start: () => startApp(streamsModule(SHARED_REDIS_URL, channelPrefix, {}, retention)), endpoint: '/ws' });
  const clients: RawStompClient[] = [];
  const connect = async (app: typeof a): Promise<RawStompClient> => {
    const client = await RawStompClient.connect(`${app.wsUrl}/ws`);
    clients.push(client);
    return client;
  };

  afterEach(async () => {
    await closeAll(...clients.splice(0).filter((client) => !client.closed));
  });

  afterAll(async () => {
    await deleteKeys(SHARED_REDIS_URL, channelPrefix);
  });

  it('runs each instance in streams mode, available once started', () => {
    for (const app of [a, b]) expect(app.app.get<RedisBroker>(STOMP_BROKER).isAvailable).toBe(true);
  });

  it('keeps a retained /queue destination a stream: every subscriber reads it, a newcomer replays it', async () => {
    const destination = `/queue/log/${unique('stream')}`;
    const publisher = await connect(b);
    const [first, second] = [await connect(a), await connect(a)];
    const ids = [await subscribeFrom(first, destination), await subscribeFrom(second, destination)];
    await sendAll(publisher, destination, numbered(0, 3));
    expect((await waitFor(first, ids[0]!, 3)).map((m) => m.text)).toEqual(numbered(0, 3));
    expect((await waitFor(second, ids[1]!, 3)).map((m) => m.text)).toEqual(numbered(0, 3));
    const late = await connect(a);
    const replayed = await subscribeFrom(late, destination, { 'x-stream-offset': 'first' });
    expect((await waitFor(late, replayed, 3)).map((m) => m.text)).toEqual(numbered(0, 3));
  });

  it('resumes a subscriber that dropped mid-stream from its last offset + 1: all of the rest, in order, none twice', async () => {
    const destination = `/topic/log/${unique('drop')}`;
    const publisher = await connect(b);
    const first = await connect(a);
    const before = await subscribeFrom(first, destination);

    await sendAll(publisher, destination, numbered(0, 500));
    const seen = await waitFor(first, before, 100);
    first.terminate();
    const lastSeen = seen.at(-1)!;
    const lastIndex = Number(lastSeen.text.slice(1));
    await sendAll(publisher, destination, numbered(500, 1000));

    const again = await connect(a);
    const resumed = await subscribeFrom(again, destination, { 'x-stream-offset': `offset=${offsetOf(lastSeen) + 1}` });
    const rest = await waitFor(again, resumed, 999 - lastIndex);
    expect(rest.map((m) => m.text)).toEqual(numbered(lastIndex + 1, 1000));
    const offsets = rest.map(offsetOf);
    expect(offsets[0]).toBeGreaterThan(offsetOf(lastSeen));
    for (let i = 1; i < offsets.length; i++) expect(offsets[i]).toBeGreaterThan(offsets[i - 1]!);
    // What the first subscriber saw, it saw in order, each with its offset.
    expect(seen.map((m) => m.text)).toEqual(numbered(0, seen.length));
    // The replay came whole before the RECEIPT: nothing more arrives, a marker comes next.
    await sendAll(publisher, destination, ['marker']);
    expect((await waitFor(again, resumed, rest.length + 1)).at(-1)!.text).toBe('marker');
    expect(messagesFor(again, resumed)).toHaveLength(rest.length + 1);
  });

  it('replays while messages keep coming: the log, then the live ones, in order, none twice', async () => {
    const destination = `/topic/log/${unique('busy')}`;
    const publisher = await connect(b);
    await sendAll(publisher, destination, numbered(0, 3000));

    // The replay takes several XRANGE pages; batches keep coming from the other instance until its RECEIPT.
    const client = await connect(a);
    const receipt = unique('replayed');
    client.send('SUBSCRIBE', { id: 'busy', destination, 'x-stream-offset': 'first', receipt });
    const replayed = () => client.frames.some((f) => f.command === 'RECEIPT' && f.headers['receipt-id'] === receipt);
    let sent = 3000;
    do {
      await sendAll(publisher, destination, numbered(sent, sent + 20));
      sent += 20;
    } while (!replayed());
    await sendAll(publisher, destination, numbered(sent, sent + 20));
    sent += 20;
    expect((await waitFor(client, 'busy', sent)).map((m) => m.text)).toEqual(numbered(0, sent));
  });

  it('replays everything kept with first, the last message with last, then goes on live', async () => {
    const destination = `/topic/log/${unique('first-last')}`;
    const publisher = await connect(a);
    await sendAll(publisher, destination, numbered(0, 5));

    const client = await connect(b);
    const fromFirst = await subscribeFrom(client, destination, { 'x-stream-offset': 'first' });
    const fromLast = await subscribeFrom(client, destination, { 'x-stream-offset': 'last' });
    const fromNext = await subscribeFrom(client, destination, { 'x-stream-offset': 'next' });
    const plain = await subscribeFrom(client, destination);
    expect(messagesFor(client, fromFirst).map((m) => m.text)).toEqual(numbered(0, 5));
    expect(messagesFor(client, fromLast).map((m) => m.text)).toEqual(['m4']);
    expect(messagesFor(client, fromLast)[0]!.headers['x-stream-offset']).toBe(messagesFor(client, fromFirst)[4]!.headers['x-stream-offset']);
    expect(messagesFor(client, fromNext)).toEqual([]);

    await sendAll(publisher, destination, ['live']);
    for (const [id, count] of [[fromFirst, 6], [fromLast, 2], [fromNext, 1], [plain, 1]] as const) {
      const messages = await waitFor(client, id, count);
      expect(messages.at(-1)!.text).toBe('live');
      expect(messages).toHaveLength(count);
    }
    // Live and replayed messages of one destination carry offsets of the same log.
    expect(offsetOf(messagesFor(client, fromNext)[0]!)).toBe(offsetOf(messagesFor(client, fromFirst)[5]!));
  });

  it('replays from a timestamp: the messages stored at or after it', async () => {
    const destination = `/topic/log/${unique('timestamp')}`;
    const publisher = await connect(a);
    const watcher = await connect(a);
    const all = await subscribeFrom(watcher, destination);
    await sendAll(publisher, destination, numbered(0, 10));
    const live = await waitFor(watcher, all, 10);
    // An offset holds the millisecond the message was stored (offset = ms × 1024 + seq).
    const storedAt = (frame: (typeof live)[number]) => Math.floor(offsetOf(frame) / 1024);
    const ms = storedAt(live[6]!);

    const client = await connect(b);
    const since = await subscribeFrom(client, destination, { 'x-stream-offset': `timestamp=${(ms / 1000).toFixed(3)}` });
    expect(messagesFor(client, since).map((m) => m.text)).toEqual(live.filter((m) => storedAt(m) >= ms).map((m) => m.text));
    expect(messagesFor(client, since).map((m) => m.text)).toContain('m6');
    const everything = await subscribeFrom(client, destination, { 'x-stream-offset': 'timestamp=0' });
    expect(messagesFor(client, everything).map((m) => m.text)).toEqual(numbered(0, 10));
    const future = await subscribeFrom(client, destination, { 'x-stream-offset': `timestamp=${Math.ceil(Date.now() / 1000) + 3600}` });
    expect(messagesFor(client, future)).toEqual([]);
  });

  it('delivers across instances with offsets, and keeps non-retained destinations on pub/sub without them', async () => {
    const retained = `/topic/log/${unique('across')}`;
    const plain = `/topic/${unique('plain')}`;
    const onA = await connect(a);
    const onB = await connect(b);
    const retainedOnA = await subscribeFrom(onA, retained);
    // The header is checked on any destination, and ignored where nothing is kept.
    const plainOnA = await subscribeFrom(onA, plain, { 'x-stream-offset': 'first' });
    await sendAll(onB, retained, ['r1', 'r2']);
    await sendAll(onB, plain, ['p1']);
    const [r1, r2] = await waitFor(onA, retainedOnA, 2);
    expect(offsetOf(r2!)).toBeGreaterThan(offsetOf(r1!));
    const [p1] = await waitFor(onA, plainOnA, 1);
    expect(p1!.text).toBe('p1');
    expect(p1!.headers['x-stream-offset']).toBeUndefined();

    // A pattern subscription gets retained messages live, with their offsets, and replays nothing.
    const pattern = await subscribeFrom(onB, '/topic/log/**', { 'x-stream-offset': 'first' });
    expect(messagesFor(onB, pattern)).toEqual([]);
    await sendAll(onA, retained, ['r3']);
    const [r3] = await waitFor(onB, pattern, 1);
    expect(r3!.text).toBe('r3');
    expect(offsetOf(r3!)).toBeGreaterThan(offsetOf(r2!));
  });

  it('trims a log to maxMessages (approximately, whole stream nodes) and lets it expire after maxAge', async () => {
    const destination = `/topic/capped/${unique('capped')}`;
    const publisher = await connect(a);
    await sendAll(publisher, destination, numbered(0, 300));
    const client = await connect(b);
    const kept = messagesFor(client, await subscribeFrom(client, destination, { 'x-stream-offset': 'first' })).map((m) => m.text);
    expect(kept.length).toBeGreaterThanOrEqual(CAPPED.maxMessages);
    expect(kept.length).toBeLessThan(300);
    expect(kept).toEqual(numbered(300 - kept.length, 300));
    const admin = new Redis(SHARED_REDIS_URL, { lazyConnect: true, retryStrategy: () => null });
    try {
      await admin.connect();
      for (const key of [`${channelPrefix}:log:${destination}`, `${channelPrefix}:last-id:${destination}`]) {
        const ttl = await admin.pttl(key);
        expect(ttl).toBeGreaterThan(0);
        expect(ttl).toBeLessThanOrEqual(CAPPED.maxAge);
      }
    } finally {
      admin.disconnect();
    }
  });

  it('moves to the next millisecond after 1024 messages in one, so offsets stay one integer and keep growing', async () => {
    const destination = `/topic/log/${unique('burst')}`;
    // As if 1024 messages had just been stored in one millisecond, a little in the future.
    const ms = Date.now() + 60_000;
    const admin = new Redis(SHARED_REDIS_URL, { lazyConnect: true, retryStrategy: () => null });
    try {
      await admin.connect();
      await admin.set(`${channelPrefix}:last-id:${destination}`, `${ms}-1023`, 'PX', 60_000);
    } finally {
      admin.disconnect();
    }
    const client = await connect(a);
    const id = await subscribeFrom(client, destination);
    await sendAll(client, destination, ['x', 'y']);
    expect((await waitFor(client, id, 2)).map(offsetOf)).toEqual([(ms + 1) * 1024, (ms + 1) * 1024 + 1]);
  });

  it.each(['bogus', 'offset=-1', 'timestamp=soon'])("refuses x-stream-offset '%s' with an ERROR naming it", async (value) => {
    const client = await connect(a);
    client.send('SUBSCRIBE', { id: 'bad', destination: `/topic/log/${unique('bad')}`, 'x-stream-offset': value, receipt: 'r' });
    const error = await client.nextFrame('ERROR');
    expect(error.headers.message).toContain(`Invalid x-stream-offset header '${value}'`);
    expect(error.headers.message).toContain('offset=<n>');
    await client.waitClosed();
  });
});
