import { StompProtocolError } from '../../errors/stomp-protocol.error.js';
import { decodeOne } from '../../protocol/decode-one.testing.js';
import { encodeFrame } from '../../protocol/frame-encoder.js';
import type { MessageFrameTemplate } from '../../protocol/message-frame-template.js';
import type { StompFrame } from '../../protocol/stomp-frame.js';
import type { StompVersion } from '../../protocol/stomp-version.js';
import type { BrokerMessage, BrokerSubscriber } from '../message-broker.js';
import { STOMP_DEFAULTS } from '../../stomp.options.js';
import { PATTERN_SUBSCRIPTION_DEFAULTS } from './pattern-budget.js';
import { SimpleBroker } from './simple-broker.js';

interface Delivery {
  readonly raw: Buffer;
  readonly binary: boolean;
}

class FakeSubscriber implements BrokerSubscriber {
  readonly deliveries: Delivery[] = [];

  constructor(
    readonly id: string,
    readonly version: StompVersion = '1.2',
  ) {}

  readonly isClosed = false;

  brokerLost(): void {}

  deliver(frame: Buffer, binary: boolean): void {
    // Copy: the broker must not hand out a buffer it reuses later.
    this.deliveries.push({ raw: Buffer.from(frame), binary });
  }

  /** As a session without outbound interceptors: the template's bytes for this subscriber. */
  deliverMessage(template: MessageFrameTemplate, subscriptionId: string, messageId: string): void {
    this.deliver(template.frameFor(this.version, subscriptionId, messageId), template.binary);
  }

  deliverFrame(frame: StompFrame, binary: boolean): void {
    this.deliver(encodeFrame(frame, this.version), binary);
  }

  /** Every delivered buffer decoded as exactly one frame, in the subscriber's version. */
  frames(): StompFrame[] {
    return this.deliveries.map(({ raw }) => decodeOne(raw, this.version, { maxFrameSize: 1 << 20, maxHeaders: 64, maxHeaderLineLength: 8192 }));
  }
}

function message(destination: string, body: string | Buffer = 'hello', headers: Record<string, string> = {}): BrokerMessage {
  return {
    destination,
    headers: { 'content-type': 'text/plain;charset=UTF-8', ...headers },
    body: typeof body === 'string' ? Buffer.from(body, 'utf8') : body,
  };
}

describe('SimpleBroker', () => {
  let broker: SimpleBroker;

  beforeEach(() => {
    broker = new SimpleBroker('/');
  });

  describe('fan-out', () => {
    it('delivers to every subscriber of an exact destination, and to nobody else', () => {
      const alice = new FakeSubscriber('alice');
      const bob = new FakeSubscriber('bob');
      const carol = new FakeSubscriber('carol');
      broker.subscribe(alice, 'sub-a', '/topic/news');
      broker.subscribe(bob, 'sub-b', '/topic/news');
      broker.subscribe(carol, 'sub-c', '/topic/sport');

      broker.publish(message('/topic/news', 'extra!'));

      expect(alice.frames().map((f) => f.body.toString())).toEqual(['extra!']);
      expect(bob.frames().map((f) => f.body.toString())).toEqual(['extra!']);
      expect(carol.deliveries).toHaveLength(0);
      expect(alice.frames()[0]!.headers.subscription).toBe('sub-a');
      expect(bob.frames()[0]!.headers.subscription).toBe('sub-b');
    });

    it('delivers nothing when no subscription matches', () => {
      const alice = new FakeSubscriber('alice');
      broker.subscribe(alice, 's', '/topic/news');
      broker.publish(message('/topic/newsX'));
      broker.publish(message('/topic/news/x'));
      broker.publish(message('/topic'));
      expect(alice.deliveries).toHaveLength(0);
    });

    it('delivers to pattern subscriptions that match the destination', () => {
      const star = new FakeSubscriber('star');
      const deep = new FakeSubscriber('deep');
      const variable = new FakeSubscriber('variable');
      broker.subscribe(star, 's1', '/topic/stocks/*');
      broker.subscribe(deep, 's2', '/topic/**');
      broker.subscribe(variable, 's3', '/topic/stocks/*/trades');

      broker.publish(message('/topic/stocks/ACME', 'a'));
      broker.publish(message('/topic/stocks/ACME/trades', 'b'));
      broker.publish(message('/queue/stocks/ACME', 'c'));

      expect(star.frames().map((f) => f.body.toString())).toEqual(['a']);
      expect(deep.frames().map((f) => f.body.toString())).toEqual(['a', 'b']);
      expect(variable.frames().map((f) => f.body.toString())).toEqual(['b']);
      // The MESSAGE carries the published destination, not the subscribed pattern.
      expect(star.frames()[0]!.headers.destination).toBe('/topic/stocks/ACME');
      expect(variable.frames()[0]!.headers.destination).toBe('/topic/stocks/ACME/trades');
    });

    it("matches patterns with the broker's separator", () => {
      const dotted = new SimpleBroker('.');
      const alice = new FakeSubscriber('alice');
      dotted.subscribe(alice, 's', '/topic/stocks.*');
      dotted.publish(message('/topic/stocks.ACME', 'one'));
      dotted.publish(message('/topic/stocks.A.B', 'two'));
      expect(alice.frames().map((f) => f.body.toString())).toEqual(['one']);

      const slashed = new FakeSubscriber('slashed');
      broker.subscribe(slashed, 's', '/topic/stocks.*');
      broker.publish(message('/topic/stocks.A.B', 'three'));
      expect(slashed.frames().map((f) => f.body.toString())).toEqual(['three']);
    });

    it('sends one MESSAGE per matching subscription, each with its own subscription header', () => {
      const alice = new FakeSubscriber('alice');
      broker.subscribe(alice, 'exact', '/topic/news');
      broker.subscribe(alice, 'wild', '/topic/*');

      broker.publish(message('/topic/news', 'x'));

      const frames = alice.frames();
      expect(frames).toHaveLength(2);
      expect(frames.map((f) => f.headers.subscription).sort()).toEqual(['exact', 'wild']);
      expect(frames.every((f) => f.body.toString() === 'x')).toBe(true);
    });

    it('gives every message its own message-id, the same in all its deliveries', () => {
      const subscribers = Array.from({ length: 5 }, (_, i) => new FakeSubscriber(`s${i}`));
      for (const [i, subscriber] of subscribers.entries()) {
        broker.subscribe(subscriber, 'a', '/topic/x');
        broker.subscribe(subscriber, 'b', '/topic/*');
        broker.subscribe(subscriber, `c${i}`, '/topic/**');
      }
      for (let n = 0; n < 10; n++) broker.publish(message('/topic/x', String(n)));

      const frames = subscribers.flatMap((s) => s.frames());
      expect(frames).toHaveLength(5 * 3 * 10);
      expect(frames.every((f) => typeof f.headers['message-id'] === 'string' && f.headers['message-id'].length > 0)).toBe(true);
      const idsByBody = new Map<string, Set<string>>();
      for (const f of frames) idsByBody.set(f.body.toString(), (idsByBody.get(f.body.toString()) ?? new Set()).add(f.headers['message-id']!));
      expect([...idsByBody.values()].map((ids) => ids.size)).toEqual(Array(10).fill(1));
      expect(new Set([...idsByBody.values()].map((ids) => [...ids][0])).size).toBe(10);
    });

    it('sends one shared frame to consecutive subscribers with the same subscription id', () => {
      const [a, b] = [new FakeSubscriber('a'), new FakeSubscriber('b')];
      const raw: Buffer[] = [];
      for (const s of [a, b]) {
        s.deliver = (frame: Buffer) => void raw.push(frame);
        broker.subscribe(s, 'sub-0', '/topic/shared');
      }
      broker.publish(message('/topic/shared'));
      expect(raw).toHaveLength(2);
      expect(raw[0]).toBe(raw[1]);
    });

    it('makes message-ids of two broker instances differ', () => {
      const other = new SimpleBroker('/');
      const a = new FakeSubscriber('a');
      const b = new FakeSubscriber('b');
      broker.subscribe(a, 's', '/topic/x');
      other.subscribe(b, 's', '/topic/x');
      broker.publish(message('/topic/x'));
      other.publish(message('/topic/x'));
      expect(a.frames()[0]!.headers['message-id']).not.toBe(b.frames()[0]!.headers['message-id']);
    });
  });

  describe('MESSAGE frames', () => {
    it('carry destination, content-type, content-length, custom headers and the body', () => {
      const alice = new FakeSubscriber('alice');
      broker.subscribe(alice, 'sub-0', '/topic/chat');
      const body = JSON.stringify({ text: 'héllo' });

      broker.publish(message('/topic/chat', body, { 'content-type': 'application/json', 'x-trace': 'abc-123', priority: '9' }));

      const [frame] = alice.frames();
      expect(frame!.command).toBe('MESSAGE');
      expect(frame!.headers.destination).toBe('/topic/chat');
      expect(frame!.headers.subscription).toBe('sub-0');
      expect(frame!.headers['content-type']).toBe('application/json');
      expect(frame!.headers['content-length']).toBe(String(Buffer.byteLength(body, 'utf8')));
      expect(frame!.headers['x-trace']).toBe('abc-123');
      expect(frame!.headers.priority).toBe('9');
      expect(frame!.body.toString('utf8')).toBe(body);
      expect(alice.deliveries[0]!.raw.at(-1)).toBe(0);
    });

    it('compute content-length from the body, ignoring a content-length header of the message', () => {
      const alice = new FakeSubscriber('alice');
      broker.subscribe(alice, 's', '/topic/x');
      broker.publish(message('/topic/x', 'four', { 'content-length': '999' }));
      const [frame] = alice.frames();
      expect(frame!.headers['content-length']).toBe('4');
      expect(frame!.body.toString()).toBe('four');
    });

    it('carry binary bodies with NUL octets intact', () => {
      const alice = new FakeSubscriber('alice');
      broker.subscribe(alice, 's', '/topic/bin');
      const body = Buffer.from([0, 1, 2, 0, 255, 0]);
      broker.publish(message('/topic/bin', body, { 'content-type': 'application/octet-stream' }));
      const [frame] = alice.frames();
      expect(frame!.headers['content-length']).toBe('6');
      expect(Buffer.compare(frame!.body, body)).toBe(0);
    });

    it('carry an empty body', () => {
      const alice = new FakeSubscriber('alice');
      broker.subscribe(alice, 's', '/topic/x');
      broker.publish(message('/topic/x', ''));
      const [frame] = alice.frames();
      expect(frame!.body.length).toBe(0);
      expect(frame!.headers.destination).toBe('/topic/x');
    });

    it.each([
      ['application/octet-stream', true],
      ['image/png', true],
      ['text/plain;charset=UTF-8', false],
      ['application/json', false],
      ['application/vnd.acme+json', false],
    ])('content-type %s is delivered with binary=%s', (contentType, binary) => {
      const alice = new FakeSubscriber('alice');
      broker.subscribe(alice, 's', '/topic/x');
      broker.publish(message('/topic/x', 'b', { 'content-type': contentType }));
      expect(alice.deliveries).toHaveLength(1);
      expect(alice.deliveries[0]!.binary).toBe(binary);
    });

    it('treats a message without content-type as text', () => {
      const alice = new FakeSubscriber('alice');
      broker.subscribe(alice, 's', '/topic/x');
      broker.publish({ destination: '/topic/x', headers: {}, body: Buffer.from('plain') });
      expect(alice.deliveries[0]!.binary).toBe(false);
      expect(alice.frames()[0]!.headers['content-type']).toBeUndefined();
    });

    it('still reach every subscriber when a header cannot be written in an older version', () => {
      const v10 = new FakeSubscriber('old', '1.0');
      const v12 = new FakeSubscriber('new', '1.2');
      broker.subscribe(v10, 's', '/topic/x');
      broker.subscribe(v12, 's', '/topic/x');

      broker.publish(message('/topic/x', 'b', { note: 'two\nlines' }));

      expect(v10.frames()[0]!.headers.note).toBeUndefined();
      expect(v10.frames()[0]!.body.toString()).toBe('b');
      expect(v12.frames()[0]!.headers.note).toBe('two\nlines');
    });

    it('escape headers for STOMP 1.1/1.2 subscribers but not for 1.0 ones', () => {
      const v10 = new FakeSubscriber('old', '1.0');
      const v11 = new FakeSubscriber('mid', '1.1');
      const v12 = new FakeSubscriber('new', '1.2');
      for (const subscriber of [v10, v11, v12]) broker.subscribe(subscriber, 'sub:1', '/topic/x');

      broker.publish(message('/topic/x', 'b', { note: 'a:b\\c' }));

      const raw10 = v10.deliveries[0]!.raw.toString('utf8');
      const raw11 = v11.deliveries[0]!.raw.toString('utf8');
      const raw12 = v12.deliveries[0]!.raw.toString('utf8');
      expect(raw10).toContain('\nsubscription:sub:1\n');
      expect(raw10).toContain('\nnote:a:b\\c\n');
      expect(raw12).toContain('\nsubscription:sub\\c1\n');
      expect(raw12).toContain('\nnote:a\\cb\\\\c\n');
      expect(raw11).toContain('\nnote:a\\cb\\\\c\n');

      // Each decodes back to the original values in its own version.
      for (const subscriber of [v10, v11, v12]) {
        const [frame] = subscriber.frames();
        expect(frame!.headers.subscription).toBe('sub:1');
        expect(frame!.headers.note).toBe('a:b\\c');
      }
    });

    it('escape CR and LF in header values for STOMP 1.2', () => {
      const v12 = new FakeSubscriber('new', '1.2');
      broker.subscribe(v12, 's', '/topic/x');
      broker.publish(message('/topic/x', 'b', { note: 'line1\r\nline2' }));
      const raw = v12.deliveries[0]!.raw.toString('utf8');
      expect(raw).toContain('\nnote:line1\\r\\nline2\n');
      expect(v12.frames()[0]!.headers.note).toBe('line1\r\nline2');
    });
  });

  describe('unsubscribe', () => {
    it('removes one subscription and stops its deliveries', () => {
      const alice = new FakeSubscriber('alice');
      const bob = new FakeSubscriber('bob');
      broker.subscribe(alice, 'a1', '/topic/x');
      broker.subscribe(alice, 'a2', '/topic/*');
      broker.subscribe(bob, 'b1', '/topic/x');
      expect(broker.subscriptionCount).toBe(3);

      broker.unsubscribe(alice, 'a1');
      expect(broker.subscriptionCount).toBe(2);
      broker.publish(message('/topic/x', 'after'));

      expect(alice.frames().map((f) => f.headers.subscription)).toEqual(['a2']);
      expect(bob.frames().map((f) => f.headers.subscription)).toEqual(['b1']);
    });

    it('of the last subscriptions brings the count back to 0 and stops all deliveries', () => {
      const alice = new FakeSubscriber('alice');
      broker.subscribe(alice, 'a1', '/topic/x');
      broker.subscribe(alice, 'a2', '/topic/**');
      broker.unsubscribe(alice, 'a1');
      broker.unsubscribe(alice, 'a2');
      expect(broker.subscriptionCount).toBe(0);
      broker.publish(message('/topic/x'));
      broker.publish(message('/topic/y/z'));
      expect(alice.deliveries).toHaveLength(0);
    });

    it('ignores unknown subscription ids and unknown subscribers', () => {
      const alice = new FakeSubscriber('alice');
      const stranger = new FakeSubscriber('stranger');
      broker.subscribe(alice, 'a1', '/topic/x');
      broker.unsubscribe(alice, 'nope');
      broker.unsubscribe(stranger, 'a1');
      broker.unsubscribeAll(stranger);
      expect(broker.subscriptionCount).toBe(1);
      broker.publish(message('/topic/x'));
      expect(alice.deliveries).toHaveLength(1);
    });

    it('only removes the subscription of the given subscriber when ids collide', () => {
      const alice = new FakeSubscriber('alice');
      const bob = new FakeSubscriber('bob');
      broker.subscribe(alice, 'sub-0', '/topic/x');
      broker.subscribe(bob, 'sub-0', '/topic/x');
      broker.unsubscribe(alice, 'sub-0');
      broker.publish(message('/topic/x'));
      expect(alice.deliveries).toHaveLength(0);
      expect(bob.deliveries).toHaveLength(1);
    });

    it('unsubscribeAll drops every subscription of one subscriber only', () => {
      const alice = new FakeSubscriber('alice');
      const bob = new FakeSubscriber('bob');
      broker.subscribe(alice, 'a1', '/topic/x');
      broker.subscribe(alice, 'a2', '/topic/*');
      broker.subscribe(alice, 'a3', '/queue/y');
      broker.subscribe(bob, 'b1', '/topic/*');
      expect(broker.subscriptionCount).toBe(4);

      broker.unsubscribeAll(alice);
      expect(broker.subscriptionCount).toBe(1);
      broker.publish(message('/topic/x'));
      broker.publish(message('/queue/y'));
      expect(alice.deliveries).toHaveLength(0);
      expect(bob.deliveries).toHaveLength(1);

      broker.unsubscribeAll(bob);
      expect(broker.subscriptionCount).toBe(0);
      broker.publish(message('/topic/x'));
      expect(bob.deliveries).toHaveLength(1);
    });

    it('can subscribe again after unsubscribing', () => {
      const alice = new FakeSubscriber('alice');
      broker.subscribe(alice, 'a1', '/topic/*');
      broker.unsubscribeAll(alice);
      broker.subscribe(alice, 'a1', '/topic/*');
      broker.publish(message('/topic/x'));
      expect(alice.frames().map((f) => f.headers.subscription)).toEqual(['a1']);
      expect(broker.subscriptionCount).toBe(1);
    });
  });

  describe('a pattern too costly to match on every publish', () => {
    // '***' and '*?*' hold nothing but wildcards: the quick "has a wildcard" test must still check them.
    it.each(['/topic/{x:(a|aa)+b}', '/topic/{x}', '/topic/*a*b', '/topic/**/a/**', '/topic/a**b*c*', '***', '*?*'])('is refused: %s', (pattern) => {
      const alice = new FakeSubscriber('alice');
      let thrown: unknown;
      try {
        broker.subscribe(alice, 's', pattern);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(StompProtocolError);
      expect(thrown).toMatchObject({
        code: 'STOMP_ERR_ILLEGAL_HEADER',
        message: `Subscription pattern '${pattern}' is too complex: use at most one '*' per segment and one '**', and no '{...}'`,
      });
      expect(broker.subscriptionCount).toBe(0);
    });

    it.each(['/topic/*', '/topic/**', '/topic/stocks.*', '/topic/*/trades/**', '/topic/a?c'])('is fine: %s', (pattern) => {
      expect(() => broker.subscribe(new FakeSubscriber('bob'), 's', pattern)).not.toThrow();
    });
  });

  describe('an invalid pattern', () => {
    it('makes subscribe throw and leaves no subscription behind', () => {
      const alice = new FakeSubscriber('alice');
      expect(() => broker.subscribe(alice, 'bad', '/topic/{oops')).toThrow(/too complex/);
      expect(broker.subscriptionCount).toBe(0);
      broker.publish(message('/topic/{oops'));
      expect(alice.deliveries).toHaveLength(0);
    });

    it('leaves the subscription it would have replaced in place', () => {
      const alice = new FakeSubscriber('alice');
      broker.subscribe(alice, 'sub', '/topic/*');
      expect(() => broker.subscribe(alice, 'sub', '/queue/{oops')).toThrow(/too complex/);
      expect(broker.subscriptionCount).toBe(1);
      broker.publish(message('/topic/x', 'still here'));
      expect(alice.frames().map((f) => f.body.toString())).toEqual(['still here']);
    });
  });

  describe('re-subscribing with the same id', () => {
    it('replaces the earlier subscription', () => {
      const alice = new FakeSubscriber('alice');
      broker.subscribe(alice, 'sub', '/topic/old');
      broker.subscribe(alice, 'sub', '/topic/new');
      expect(broker.subscriptionCount).toBe(1);

      broker.publish(message('/topic/old', 'old'));
      broker.publish(message('/topic/new', 'new'));
      expect(alice.frames().map((f) => f.body.toString())).toEqual(['new']);

      broker.unsubscribe(alice, 'sub');
      expect(broker.subscriptionCount).toBe(0);
      broker.publish(message('/topic/new', 'again'));
      expect(alice.deliveries).toHaveLength(1);
    });

    it('replaces a pattern subscription, and to the same destination does not deliver twice', () => {
      const alice = new FakeSubscriber('alice');
      broker.subscribe(alice, 'sub', '/topic/*');
      broker.subscribe(alice, 'sub', '/topic/*');
      expect(broker.subscriptionCount).toBe(1);
      broker.publish(message('/topic/x', 'once'));
      expect(alice.deliveries).toHaveLength(1);

      broker.subscribe(alice, 'sub', '/queue/y');
      broker.publish(message('/topic/x', 'twice'));
      broker.publish(message('/queue/y', 'queued'));
      expect(alice.frames().map((f) => f.body.toString())).toEqual(['once', 'queued']);
    });

    it('keeps other subscribers of the replaced destination', () => {
      const alice = new FakeSubscriber('alice');
      const bob = new FakeSubscriber('bob');
      broker.subscribe(alice, 'sub', '/topic/x');
      broker.subscribe(bob, 'sub', '/topic/x');
      broker.subscribe(alice, 'sub', '/topic/y');
      broker.publish(message('/topic/x'));
      expect(alice.deliveries).toHaveLength(0);
      expect(bob.deliveries).toHaveLength(1);
    });
  });

  describe('pattern subscription budgets', () => {
    it("default to STOMP_DEFAULTS' values when the broker is made without limits", () => {
      expect(PATTERN_SUBSCRIPTION_DEFAULTS).toEqual({
        maxPatternSubscriptionsPerSession: STOMP_DEFAULTS.maxPatternSubscriptionsPerSession,
        maxPatternSubscriptions: STOMP_DEFAULTS.maxPatternSubscriptions,
      });
    });

    it('refuses a session its pattern subscription over maxPatternSubscriptionsPerSession, naming the option', () => {
      const limited = new SimpleBroker('/', { maxPatternSubscriptionsPerSession: 2 });
      const alice = new FakeSubscriber('alice');
      const bob = new FakeSubscriber('bob');
      limited.subscribe(alice, 'p1', '/topic/a/*');
      limited.subscribe(alice, 'p2', '/topic/b/**');
      // Exact subscriptions are not patterns: they do not count.
      limited.subscribe(alice, 'e1', '/topic/exact');
      expect(() => limited.subscribe(alice, 'p3', '/topic/c/?')).toThrow(
        expect.objectContaining({ code: 'STOMP_ERR_LIMIT', message: expect.stringMatching(/at most 2 \(option maxPatternSubscriptionsPerSession\)/) }),
      );
      // The refused one left nothing behind; another session has its own budget.
      limited.publish(message('/topic/c/x'));
      expect(alice.deliveries).toHaveLength(0);
      limited.subscribe(bob, 'p1', '/topic/c/?');
      limited.publish(message('/topic/c/x', 'bob'));
      expect(bob.frames().map((f) => f.body.toString())).toEqual(['bob']);
      expect(limited.patternSubscriptionCount).toBe(3);
    });

    it('gives the budget back on unsubscribe, on unsubscribeAll and when a pattern is replaced under its id', () => {
      const limited = new SimpleBroker('/', { maxPatternSubscriptionsPerSession: 1 });
      const alice = new FakeSubscriber('alice');
      limited.subscribe(alice, 'p', '/topic/a/*');
      limited.subscribe(alice, 'p', '/topic/b/*');
      expect(() => limited.subscribe(alice, 'q', '/topic/c/*')).toThrow(/maxPatternSubscriptionsPerSession/);
      limited.unsubscribe(alice, 'p');
      limited.subscribe(alice, 'q', '/topic/c/*');
      limited.unsubscribeAll(alice);
      expect(limited.patternSubscriptionCount).toBe(0);
      limited.subscribe(alice, 'r', '/topic/d/*');
      // Replacing a pattern by an exact destination frees its place too.
      limited.subscribe(alice, 'r', '/topic/d/x');
      limited.subscribe(alice, 's', '/topic/e/*');
      expect(limited.patternSubscriptionCount).toBe(1);
    });

    it('refuses any session once maxPatternSubscriptions are held in total, naming the option', () => {
      const limited = new SimpleBroker('/', { maxPatternSubscriptions: 3 });
      const sessions = Array.from({ length: 4 }, (_, i) => new FakeSubscriber(`s${i}`));
      for (const session of sessions.slice(0, 3)) limited.subscribe(session, 'p', '/topic/*');
      expect(() => limited.subscribe(sessions[3]!, 'p', '/topic/**')).toThrow(
        expect.objectContaining({ code: 'STOMP_ERR_LIMIT', message: expect.stringMatching(/at most 3 \(option maxPatternSubscriptions\)/) }),
      );
      limited.subscribe(sessions[3]!, 'e', '/topic/x');
      limited.unsubscribeAll(sessions[0]!);
      limited.subscribe(sessions[3]!, 'p', '/topic/**');
      expect(limited.patternSubscriptionCount).toBe(3);
    });
  });

  it('delivers to each subscriber in publish order over many publishes', () => {
    const subscribers = [new FakeSubscriber('a'), new FakeSubscriber('b', '1.0'), new FakeSubscriber('c', '1.1')];
    broker.subscribe(subscribers[0]!, 's', '/topic/seq');
    broker.subscribe(subscribers[1]!, 's', '/topic/*');
    broker.subscribe(subscribers[2]!, 's', '/topic/**');
    const count = 500;
    for (let n = 0; n < count; n++) broker.publish(message('/topic/seq', `msg-${n}`, { seq: String(n) }));

    const expected = Array.from({ length: count }, (_, n) => `msg-${n}`);
    for (const subscriber of subscribers) {
      const frames = subscriber.frames();
      expect(frames.map((f) => f.body.toString())).toEqual(expected);
      expect(frames.map((f) => Number(f.headers.seq))).toEqual(expected.map((_, n) => n));
    }
  });
});
