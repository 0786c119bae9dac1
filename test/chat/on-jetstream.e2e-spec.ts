import { firstValueFrom, filter } from 'rxjs';
import { JetStreamBroker, SimpMessagingTemplate, SimpUserRegistry, STOMP_BROKER } from 'nest-stomp';
import type { AppFixture } from '../support/apps.js';
import { deleteStreams, natsAvailable, SHARED_NATS_URL, uniqueNatsPrefixes } from '../support/nats.js';
import { publishConfirmed, subscribeConfirmed } from '../support/stomp-clients.js';
import { useTwoChatInstances } from '../support/two-instances.js';

const describeWithNats = (await natsAvailable()) ? describe : describe.skip;

const prefixes = uniqueNatsPrefixes('chat');

/** Two instances of the chat app itself, on STOMP_BROKER=jetstream, as the README runs them. */
describeWithNats('chat app on NATS JetStream, two instances', () => {
  const { a, b, client } = useTwoChatInstances({
    STOMP_BROKER: 'jetstream',
    NATS_URL: SHARED_NATS_URL,
    NATS_SUBJECT_PREFIX: prefixes.subjectPrefix,
    NATS_STREAM_PREFIX: prefixes.streamPrefix,
  });

  afterAll(async () => {
    await deleteStreams(prefixes.streamPrefix);
  });

  it('shows on instance A the chat message a client on instance B sent', async () => {
    expect(a.app.get(STOMP_BROKER)).toBeInstanceOf(JetStreamBroker);
    const onA = await client(a);
    const onB = await client(b);
    const chat = await subscribeConfirmed(onA, '/topic/messages');
    await publishConfirmed(onB, '/app/chat.send', JSON.stringify({ sender: 'bob', content: 'over JetStream' }));
    expect(JSON.parse((await chat.waitFor(1, 10_000))[0]!.body)).toEqual({ sender: 'bob', content: 'over JetStream' });
  });

  it("reaches a user's sessions on the other instance, and lists users of both instances", async () => {
    const bobOnB = await client(b, 'bob');
    const inbox = await subscribeConfirmed(bobOnB, '/user/queue/private');
    const aliceOnA = await client(a, 'alice');

    await a.app.get(SimpMessagingTemplate).convertAndSendToUser('bob', '/queue/private', { from: 'server', to: 'bob', content: 'from A' });
    expect(JSON.parse((await inbox.waitFor(1, 10_000))[0]!.body)).toEqual({ from: 'server', to: 'bob', content: 'from A' });

    await knownOn(a, 'bob');
    await publishConfirmed(aliceOnA, '/app/chat.private', JSON.stringify({ to: 'bob', content: 'across instances' }));
    expect(JSON.parse((await inbox.waitFor(2, 10_000))[1]!.body)).toEqual({ from: 'alice', to: 'bob', content: 'across instances' });
  });
});

/** Resolves once the instance's user registry lists `name` (possibly connected to another instance). */
async function knownOn(app: AppFixture, name: string): Promise<void> {
  const registry = app.app.get(SimpUserRegistry);
  if (registry.getUser(name)) return;
  await firstValueFrom(registry.changes$.pipe(filter(() => registry.getUser(name) !== undefined)));
}
