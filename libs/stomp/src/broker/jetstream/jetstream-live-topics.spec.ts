import type { MessageFrameTemplate } from '../../protocol/message-frame-template.js';
import { DestinationPattern } from '../../protocol/destination-pattern.js';
import { MessageIds } from '../../util/message-ids.js';
import { StompLogger } from '../../util/stomp-logger.js';
import type { BrokerSubscriber } from '../message-broker.js';
import { decodeRedisMessage, encodeRedisMessage } from '../redis/redis-message-codec.js';
import type { NatsSession } from './jetstream-connection.js';
import { LiveTopics } from './jetstream-live-topics.js';
import { JetStreamSubscription } from './jetstream-subscription.js';
import type { ReaderTarget } from './jetstream-topic-readers.js';

interface Delivery {
  readonly template: MessageFrameTemplate;
  readonly subscription: string;
  readonly messageId: string;
}

function subscriber(): BrokerSubscriber & { deliveries: Delivery[]; lost: string[] } {
  const deliveries: Delivery[] = [];
  const lost: string[] = [];
  return {
    id: 's',
    version: '1.2',
    isClosed: false,
    deliveries,
    lost,
    deliverMessage: (template, subscription, messageId) => void deliveries.push({ template, subscription, messageId }),
    deliverFrame: () => undefined,
    deliver: () => undefined,
    brokerLost: (reason) => void lost.push(reason),
  };
}

const session = {} as NatsSession;
const noAcks = { add: () => undefined, delete: () => undefined, forget: () => undefined };

function subscription(to: BrokerSubscriber, id: string, destination: string): JetStreamSubscription {
  const matcher = destination.includes('*') ? new DestinationPattern(destination, '/') : undefined;
  return new JetStreamSubscription(to, id, destination, 'auto', matcher, new MessageIds(), noAcks, 100);
}

const payload = (destination: string, body: string) => encodeRedisMessage({ destination, headers: { 'content-type': 'text/plain' }, body: Buffer.from(body) });

/** LiveTopics whose openings the test settles by hand, with what each opening made. */
function liveTopics() {
  const openings: { target: ReaderTarget; resolve: () => void; reject: (error: Error) => void; stopped: boolean; resumed: number }[] = [];
  const positions: { destination: string; resolve: (starts: Map<string, number>) => void }[] = [];
  const live = new LiveTopics(
    '/',
    new MessageIds('j'),
    decodeRedisMessage,
    new StompLogger('test'),
    (_session, target) =>
      new Promise<void>((resolve, reject) => {
        const opening = { target, resolve, reject, stopped: false, resumed: 0 };
        openings.push(opening);
        target.addReader(
          () => void (opening.stopped = true),
          async () => void opening.resumed++,
        );
      }),
    (_session, destination) => new Promise((resolve) => positions.push({ destination, resolve })),
  );
  return { live, openings, positions };
}

describe('LiveTopics', () => {
  it('opens one reader for the subscribers of a destination, who wait for the same opening and share one template and message-id per message', async () => {
    const { live, openings, positions } = liveTopics();
    const [one, other] = [subscriber(), subscriber()];
    const joined = [live.join(session, subscription(one, 'a', '/topic/t')), live.join(session, subscription(one, 'b', '/topic/t')), live.join(session, subscription(other, 'a', '/topic/t'))];
    expect(openings).toHaveLength(1);
    let settled = false;
    void Promise.all(joined).then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    openings[0]!.resolve();
    // The later subscribers look up where they subscribed.
    expect(positions.map((p) => p.destination)).toEqual(['/topic/t', '/topic/t']);
    for (const position of positions) position.resolve(new Map([['S', 7]]));
    await Promise.all(joined);

    openings[0]!.target.receive(payload('/topic/t', 'm0'), { 'x-stream-offset': '7' }, 'S', 7);
    openings[0]!.target.receive(payload('/topic/t', 'm1'), { 'x-stream-offset': '8' }, 'S', 8);
    const all = [...one.deliveries, ...other.deliveries];
    expect(one.deliveries.map((d) => [d.subscription, d.template.body.toString()])).toEqual([
      ['a', 'm0'],
      ['b', 'm0'],
      ['a', 'm1'],
      ['b', 'm1'],
    ]);
    expect(other.deliveries.map((d) => d.template.body.toString())).toEqual(['m0', 'm1']);
    expect(new Set(all.filter((d) => d.template.body.toString() === 'm0').map((d) => d.template)).size).toBe(1);
    expect(new Set(all.filter((d) => d.template.body.toString() === 'm0').map((d) => d.messageId)).size).toBe(1);
    expect(one.deliveries[0]!.template.headers['x-stream-offset']).toBe('7');
    expect(live.size).toBe(1);
  });

  it('stops the reader when the last subscriber leaves, not before, and opens a new one for the next', async () => {
    const { live, openings, positions } = liveTopics();
    const to = subscriber();
    const [a, b] = [subscription(to, 'a', '/topic/t'), subscription(to, 'b', '/topic/t')];
    const joined = [live.join(session, a), live.join(session, b)];
    openings[0]!.resolve();
    positions[0]!.resolve(new Map());
    await Promise.all(joined);
    a.end();
    expect(openings[0]!.stopped).toBe(false);
    openings[0]!.target.receive(payload('/topic/t', 'm0'), {});
    expect(to.deliveries.map((d) => d.subscription)).toEqual(['b']);
    b.end();
    expect(openings[0]!.stopped).toBe(true);
    expect(live.size).toBe(0);

    const next = live.join(session, subscription(to, 'c', '/topic/t'));
    expect(openings).toHaveLength(2);
    openings[1]!.resolve();
    await next;
  });

  it('rejects every subscriber waiting on an opening that fails, and forgets it', async () => {
    const { live, openings } = liveTopics();
    const to = subscriber();
    const joined = [live.join(session, subscription(to, 'a', '/topic/t')), live.join(session, subscription(to, 'b', '/topic/t'))];
    openings[0]!.reject(new Error('no JetStream'));
    for (const join of joined) await expect(join).rejects.toThrow('no JetStream');
    expect(openings[0]!.stopped).toBe(true);
    expect(live.size).toBe(0);
  });

  it('stops an opening whose subscribers all left before it was done', async () => {
    const { live, openings } = liveTopics();
    const a = subscription(subscriber(), 'a', '/topic/t');
    const joined = live.join(session, a);
    a.end();
    expect(openings[0]!.stopped).toBe(true);
    expect(live.size).toBe(0);
    openings[0]!.resolve();
    await joined;
  });

  it('gives a subscriber joining running readers only what was stored from where it subscribed, holding what comes meanwhile', async () => {
    const { live, openings, positions } = liveTopics();
    const [first, late] = [subscriber(), subscriber()];
    const firstJoined = live.join(session, subscription(first, 'a', '/topic/*'));
    openings[0]!.resolve();
    await firstJoined;
    const receive = (body: string, stream?: string, sequence?: number) => openings[0]!.target.receive(payload(`/topic/${body}`, body), {}, stream, sequence);
    const lateJoined = live.join(session, subscription(late, 'b', '/topic/*'));
    receive('s4', 'S', 4);
    receive('core');
    receive('s5', 'S', 5);
    positions[0]!.resolve(new Map([['S', 5], ['T', 10]]));
    await lateJoined;
    receive('t9', 'T', 9);
    receive('s6', 'S', 6);
    receive('t10', 'T', 10);
    receive('t11', 'T', 11);
    const bodies = (to: typeof first) => to.deliveries.map((d) => d.template.body.toString());
    expect(bodies(first)).toEqual(['s4', 'core', 's5', 't9', 's6', 't10', 't11']);
    expect(bodies(late)).toEqual(['core', 's5', 's6', 't10', 't11']);
  });

  it('delivers to a pattern’s subscribers only what the pattern matches (its NATS subject may be wider)', async () => {
    const { live, openings } = liveTopics();
    const to = subscriber();
    const joined = live.join(session, subscription(to, 'p', '/topic/chat.*'));
    openings[0]!.resolve();
    await joined;
    openings[0]!.target.receive(payload('/topic/chat.x', 'yes'), {});
    openings[0]!.target.receive(payload('/topic/other', 'no'), {});
    expect(to.deliveries.map((d) => d.template.body.toString())).toEqual(['yes']);
  });

  it('resumes each reader after an outage, and tells every subscriber of one that cannot resume', async () => {
    const openings: ReaderTarget[] = [];
    const live = new LiveTopics(
      '/',
      new MessageIds('j'),
      decodeRedisMessage,
      new StompLogger('test'),
      async (_session, target) => {
        openings.push(target);
        target.addReader(
          () => undefined,
          () => Promise.reject(new Error('stream gone')),
        );
      },
      async () => new Map(),
    );
    const [one, other] = [subscriber(), subscriber()];
    await live.join(session, subscription(one, 'a', '/topic/t'));
    await live.join(session, subscription(other, 'a', '/topic/t'));
    live.resume(session);
    await new Promise((resolve) => setImmediate(resolve));
    expect([...one.lost, ...other.lost]).toEqual([
      "the JetStream broker could not resume the subscription to '/topic/t' (stream gone)",
      "the JetStream broker could not resume the subscription to '/topic/t' (stream gone)",
    ]);
  });
});
