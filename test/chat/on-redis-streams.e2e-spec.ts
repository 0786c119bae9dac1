import { redisAvailable, SHARED_REDIS_URL, uniqueChannelPrefix } from '../support/redis.js';
import { deleteKeys } from '../support/redis-streams.js';
import { publishConfirmed, subscribeConfirmed } from '../support/stomp-clients.js';
import { useTwoChatInstances } from '../support/two-instances.js';

const describeWithRedis = (await redisAvailable()) ? describe : describe.skip;

/** Two instances of the chat app on STOMP_BROKER=redis-streams: its rooms are kept and replayed. */
describeWithRedis('chat app on Redis Streams, two instances', () => {
  const channelPrefix = uniqueChannelPrefix('chat-streams');
  const { a, b, client } = useTwoChatInstances({ STOMP_BROKER: 'redis-streams', REDIS_CHANNEL_PREFIX: channelPrefix });

  afterAll(async () => {
    await deleteKeys(SHARED_REDIS_URL, channelPrefix);
  });

  it("replays a room's messages, with their offsets, to a newcomer on the other instance, then goes on live", async () => {
    const onA = await client(a, 'alice');
    // The handler's reply is published after the SEND's RECEIPT: a live subscriber tells when all are stored.
    const live = await subscribeConfirmed(onA, '/topic/room.general');
    for (const content of ['one', 'two', 'three']) await publishConfirmed(onA, '/app/room.general', JSON.stringify({ content }));
    await live.waitFor(3);

    const onB = await client(b, 'bob');
    const room = await subscribeConfirmed(onB, '/topic/room.general', { 'x-stream-offset': 'first' });
    const history = await room.waitFor(3);
    expect(history.map((m) => JSON.parse(m.body) as unknown)).toEqual(['one', 'two', 'three'].map((content) => ({ room: 'general', sender: 'alice', content, sentAt: expect.any(String) })));
    const offsets = history.map((m) => Number(m.headers['x-stream-offset']));
    expect(offsets[1]).toBeGreaterThan(offsets[0]!);
    expect(offsets[2]).toBeGreaterThan(offsets[1]!);

    const resumed = await subscribeConfirmed(onB, '/topic/room.general', { 'x-stream-offset': `offset=${offsets[1]! + 1}` });
    expect((await resumed.waitFor(1)).map((m) => (JSON.parse(m.body) as { content: string }).content)).toEqual(['three']);

    await publishConfirmed(onA, '/app/room.general', JSON.stringify({ content: 'four' }));
    expect(JSON.parse((await room.waitFor(4))[3]!.body)).toEqual({ room: 'general', sender: 'alice', content: 'four', sentAt: expect.any(String) });
  });
});
