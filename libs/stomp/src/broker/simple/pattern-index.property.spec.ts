import fc from 'fast-check';
import { DestinationPattern } from '../../protocol/destination-pattern.js';
import { encodeFrame } from '../../protocol/frame-encoder.js';
import type { MessageFrameTemplate } from '../../protocol/message-frame-template.js';
import type { StompFrame } from '../../protocol/stomp-frame.js';
import type { StompVersion } from '../../protocol/stomp-version.js';
import { decodeOne } from '../../protocol/decode-one.testing.js';
import type { BrokerSubscriber } from '../message-broker.js';
import { PatternIndex } from './pattern-index.js';
import { SimpleBroker } from './simple-broker.js';
import { checkSubscriptionPattern, isPattern } from './subscription-pattern.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);

/**
 * Characters that make matching interesting: both separators, the wildcards, line terminators
 * (which `**`, compiled to `.*`, cannot skip), regex metacharacters, and a few letters.
 */
const PATTERN_TOKENS = ['a', 'b', 'ab', '/', '/', '.', '.', '*', '**', '?', '\n', '\r', '\u2028', '$', '(', '/topic', '*.', '/*/'];
const FILL_CHARS = ['a', 'b', '/', '.', '\n', '\u2029', '*', '?', ''];

type Separator = '/' | '.';

const separatorArb = fc.constantFrom<Separator>('/', '.');
const patternTextArb = fc.array(fc.constantFrom(...PATTERN_TOKENS), { minLength: 1, maxLength: 8 }).map((tokens) => tokens.join(''));
const fillArb = fc.array(fc.constantFrom(...FILL_CHARS), { maxLength: 5 }).map((chars) => chars.join(''));
const randomDestinationArb = fc.array(fc.constantFrom(...FILL_CHARS, 'ab', '/topic'), { maxLength: 10 }).map((chars) => chars.join(''));

/** The patterns a client may subscribe to: what `checkSubscriptionPattern` lets through. */
function allowed(patterns: readonly string[], separator: Separator): string[] {
  const valid = patterns.filter((pattern) => {
    if (!isPattern(pattern)) return false;
    try {
      checkSubscriptionPattern(pattern, separator);
      return true;
    } catch {
      return false;
    }
  });
  return [...new Set(valid)];
}

/** A destination made from a pattern by filling every wildcard, so that matches are frequent. */
function instantiate(pattern: string, fill: string, single: string): string {
  return pattern.replaceAll('**', fill).replaceAll('*', fill).replaceAll('?', single);
}

const scenarioArb = fc
  .record({
    separator: separatorArb,
    patterns: fc.array(patternTextArb, { minLength: 1, maxLength: 40 }),
    random: fc.array(randomDestinationArb, { maxLength: 20 }),
    derived: fc.array(fc.tuple(fc.nat(), fillArb, fc.constantFrom('a', 'b', '.', '/', '\n', '*')), { maxLength: 30 }),
    removals: fc.array(fc.nat(), { maxLength: 20 }),
  })
  .map(({ separator, patterns, random, derived, removals }) => {
    const valid = allowed(patterns, separator);
    const destinations = [...random, ...(valid.length ? derived.map(([n, fill, single]) => instantiate(valid[n % valid.length]!, fill, single)) : [])];
    return { separator, patterns: valid, destinations, removals };
  });

function expected(patterns: readonly string[], separator: Separator, destination: string): string[] {
  return patterns.filter((pattern) => new DestinationPattern(pattern, separator).matches(destination)).sort();
}

function collected(index: PatternIndex<string>, destination: string): string[] {
  const out: string[] = [];
  index.collect(destination, out);
  return out.sort();
}

describe('PatternIndex (property)', () => {
  it('finds exactly the patterns DestinationPattern matches, each once, before and after removals', () => {
    fc.assert(
      fc.property(scenarioArb, ({ separator, patterns, destinations, removals }) => {
        const index = new PatternIndex<string>(separator);
        for (const pattern of patterns) index.set(pattern, pattern);
        for (const destination of destinations) expect(collected(index, destination)).toEqual(expected(patterns, separator, destination));

        const removed = new Set(removals.map((n) => patterns[n % patterns.length]!).filter(Boolean));
        for (const pattern of removed) index.delete(pattern);
        const kept = patterns.filter((pattern) => !removed.has(pattern));
        for (const destination of destinations) expect(collected(index, destination)).toEqual(expected(kept, separator, destination));

        // Everything removed leaves nothing behind.
        for (const pattern of kept) index.delete(pattern);
        for (const destination of destinations) expect(collected(index, destination)).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  });

  it('finds exactly the wildcard segments that match a segment, however `?`, `*` and letters mix', () => {
    const segmentArb = fc.array(fc.constantFrom('a', 'b', '?', '?', '*'), { minLength: 1, maxLength: 7 }).map((chars) => chars.join(''));
    const valueArb = fc.array(fc.constantFrom('a', 'b', '?', '*'), { maxLength: 8 }).map((chars) => chars.join(''));
    fc.assert(
      fc.property(fc.array(segmentArb, { minLength: 1, maxLength: 40 }), fc.array(valueArb, { maxLength: 30 }), (segments, values) => {
        const patterns = allowed(
          segments.map((segment) => `/t/${segment}`),
          '/',
        );
        const index = new PatternIndex<string>('/');
        for (const pattern of patterns) index.set(pattern, pattern);
        for (const value of values) expect(collected(index, `/t/${value}`)).toEqual(expected(patterns, '/', `/t/${value}`));
      }),
      { numRuns: RUNS },
    );
  });

  it('agrees on hand-picked edge cases', () => {
    const cases: [Separator, string, string][] = [
      ['/', '/a/**', '/a'],
      ['/', '/a/**', '/a/'],
      ['/', '/a/**', '/a/x\ny'],
      ['/', '/a/**/b', '/a//b'],
      ['/', '/a/**/b', '/a/x\n/b'],
      ['/', '**', ''],
      ['/', '**', 'a\u2028b'],
      ['/', '**/b', 'b'],
      ['/', '**/b', '/b'],
      ['/', '/topic/*', '/topic/'],
      ['/', '/topic/a?c*', '/topic/a\nc'],
      ['.', '/topic/stocks.*', '/topic/stocks.A.B'],
      ['.', '/topic/stocks.**', '/topic/stocks'],
      ['/', '/topic/stocks.*', '/topic/stocks.A.B'],
      // A node's only literal child is compared in place: a longer or shorter segment with its text as prefix is another.
      ['/', '/ab/*', '/abc/x'],
      ['/', '/ab/*', '/a/x'],
      ['/', '/ab/*', '/ab'],
      ['/', '/ab/**', '/ab'],
      ['.', 'a.b*', 'a.bc'],
      ['.', 'a.b*', 'ab.c'],
    ];
    for (const [separator, pattern, destination] of cases) {
      const index = new PatternIndex<string>(separator);
      index.set(pattern, pattern);
      const matches = new DestinationPattern(pattern, separator).matches(destination);
      expect([pattern, destination, collected(index, destination).length === 1]).toEqual([pattern, destination, matches]);
    }
  });
});

/** Records which subscription got which message, in order. */
class RecordingSubscriber implements BrokerSubscriber {
  readonly version: StompVersion = '1.2';
  readonly isClosed = false;
  constructor(
    readonly id: string,
    private readonly log: string[],
  ) {}
  brokerLost(): void {}
  deliverMessage(template: MessageFrameTemplate, subscriptionId: string, messageId: string): void {
    this.deliver(template.frameFor(this.version, subscriptionId, messageId));
  }
  deliverFrame(frame: StompFrame): void {
    this.deliver(encodeFrame(frame, this.version));
  }
  deliver(frame: Buffer): void {
    const { headers, body } = decodeOne(frame, this.version, { maxFrameSize: 1 << 16, maxHeaders: 64, maxHeaderLineLength: 8192 });
    this.log.push(`${this.id}:${headers.subscription}:${body.toString()}`);
  }
}

/**
 * What the broker delivered before the index: exact subscribers first, then every distinct pattern
 * in the order it was first subscribed, tested one by one with `DestinationPattern`.
 */
class ReferenceBroker {
  private readonly subscriptions = new Map<string, { subscriber: string; id: string; destination: string }>();
  private readonly order = new Map<string, Set<string>>();

  constructor(private readonly separator: Separator) {}

  subscribe(subscriber: string, id: string, destination: string): void {
    this.unsubscribe(subscriber, id);
    const key = `${subscriber}:${id}`;
    this.subscriptions.set(key, { subscriber, id, destination });
    let keys = this.order.get(destination);
    if (!keys) this.order.set(destination, (keys = new Set()));
    keys.add(key);
  }

  unsubscribe(subscriber: string, id: string): void {
    const key = `${subscriber}:${id}`;
    const existing = this.subscriptions.get(key);
    if (!existing) return;
    this.subscriptions.delete(key);
    const keys = this.order.get(existing.destination)!;
    keys.delete(key);
    if (keys.size === 0) this.order.delete(existing.destination);
  }

  publish(destination: string, body: string, log: string[]): void {
    const deliver = (keys: Set<string>) => {
      for (const key of keys) {
        const { subscriber, id } = this.subscriptions.get(key)!;
        log.push(`${subscriber}:${id}:${body}`);
      }
    };
    const exact = this.order.get(destination);
    if (exact && !isPattern(destination)) deliver(exact);
    for (const [pattern, keys] of this.order) {
      if (isPattern(pattern) && new DestinationPattern(pattern, this.separator).matches(destination)) deliver(keys);
    }
  }
}

type Command =
  | { readonly kind: 'subscribe'; readonly subscriber: number; readonly id: number; readonly destination: string }
  | { readonly kind: 'unsubscribe'; readonly subscriber: number; readonly id: number }
  | { readonly kind: 'publish'; readonly destination: string };

describe('SimpleBroker with the pattern index (property)', () => {
  it('delivers what the one-pattern-at-a-time broker delivered, in the same order, once per subscription', () => {
    // Overlapping patterns and destinations they share, so that one publish often matches several.
    const overlapping = fc.constantFrom('/topic/*', '/topic/**', '/topic/a*', '**', '/topic/?', '/*/a', '/topic/a', '/topic/ab', '/topic/a.b', '/topic/a.*');
    const destinationArb = fc.oneof(patternTextArb, randomDestinationArb, overlapping, overlapping);
    const commandArb: fc.Arbitrary<Command> = fc.oneof(
      fc.record({ kind: fc.constant('subscribe' as const), subscriber: fc.nat(3), id: fc.nat(4), destination: destinationArb }),
      fc.record({ kind: fc.constant('unsubscribe' as const), subscriber: fc.nat(3), id: fc.nat(4) }),
      fc.record({ kind: fc.constant('publish' as const), destination: destinationArb }),
    );
    fc.assert(
      fc.property(separatorArb, fc.array(commandArb, { maxLength: 60 }), (separator, commands) => {
        const broker = new SimpleBroker(separator, { maxPatternSubscriptionsPerSession: 1000, maxPatternSubscriptions: 1000 });
        const reference = new ReferenceBroker(separator);
        const actual: string[] = [];
        const wanted: string[] = [];
        const subscribers = Array.from({ length: 4 }, (_, i) => new RecordingSubscriber(`s${i}`, actual));
        commands.forEach((command, n) => {
          if (command.kind === 'publish') {
            broker.publish({ destination: command.destination, headers: {}, body: Buffer.from(String(n)) });
            reference.publish(command.destination, String(n), wanted);
          } else if (command.kind === 'unsubscribe') {
            broker.unsubscribe(subscribers[command.subscriber]!, `sub-${command.id}`);
            reference.unsubscribe(`s${command.subscriber}`, `sub-${command.id}`);
          } else {
            try {
              checkSubscriptionPattern(command.destination, separator);
            } catch {
              return;
            }
            broker.subscribe(subscribers[command.subscriber]!, `sub-${command.id}`, command.destination);
            reference.subscribe(`s${command.subscriber}`, `sub-${command.id}`, command.destination);
          }
        });
        expect(actual).toEqual(wanted);
      }),
      { numRuns: RUNS },
    );
  });
});
