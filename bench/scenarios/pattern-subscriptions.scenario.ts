import { performance } from 'node:perf_hooks';
import { SimpleBroker, type BrokerSubscriber, type MessageFrameTemplate } from 'nest-stomp';
import type { IntegrityReport } from '../load/sequence-tracker.js';
import type { Metrics, Scenario, ScenarioContext, ScenarioOutcome } from './scenario.js';

/** The shape of issue 11's benchmark: 100k pattern subscriptions over 1000 distinct patterns, 1000 exact subscribers. */
const DISTINCT_PATTERNS = 1000;
const SUBSCRIPTIONS_PER_PATTERN = 100;
/** Each pattern session holds this many pattern subscriptions: the default maxPatternSubscriptionsPerSession. */
const PATTERNS_PER_SESSION = 100;
const SESSIONS = (DISTINCT_PATTERNS * SUBSCRIPTIONS_PER_PATTERN) / PATTERNS_PER_SESSION;
const DESTINATIONS = 1000;
/** A measurement runs whole rounds of publishes (one per destination) for at least this long. */
const MIN_MEASURE_MS = 1000;

interface PatternFamily {
  readonly pattern: string;
  /** A destination this pattern matches and no other of the 1000 does (the numbers differ). */
  readonly matching: string;
  /** The regex DestinationPattern compiles the pattern to: what the broker tested on every publish before the index. */
  readonly regex: RegExp;
}

/**
 * Pattern `i`: a `*` inside a segment, a trailing `**`, a `*` segment, or a `*` before a literal
 * tail (the wildcard index reads that one backwards).
 */
function patternFamily(i: number): PatternFamily {
  switch (i % 4) {
    case 0:
      return { pattern: `/topic/stocks.${i}.*`, matching: `/topic/stocks.${i}.ACME`, regex: new RegExp(`^/topic/stocks\\.${i}\\.[^/]*$`) };
    case 1:
      return { pattern: `/topic/prices/${i}/**`, matching: `/topic/prices/${i}/eu/ACME`, regex: new RegExp(`^/topic/prices/${i}(?:/.*)?$`) };
    case 2:
      return { pattern: `/topic/news/*/${i}`, matching: `/topic/news/markets/${i}`, regex: new RegExp(`^/topic/news/[^/]*/${i}$`) };
    default:
      return { pattern: `/topic/trades/*.${i}`, matching: `/topic/trades/ACME.${i}`, regex: new RegExp(`^/topic/trades/[^/]*\\.${i}$`) };
  }
}

const exactDestination = (k: number) => `/topic/exact/${k}`;

/** Counts what it is given; in a checked round also keeps `subscription:seq` of every MESSAGE, in order. */
class CountingSubscriber implements BrokerSubscriber {
  readonly version = '1.2' as const;
  readonly isClosed = false;
  deliveries = 0;
  log: string[] | undefined;

  constructor(readonly id: string) {}

  /** As a session without outbound interceptors: the template's bytes for this subscriber. */
  deliverMessage(template: MessageFrameTemplate, subscriptionId: string, messageId: string): void {
    this.deliver(template.frameFor(this.version, subscriptionId, messageId));
  }

  deliverFrame(): void {
    throw new Error('the SimpleBroker delivers templates');
  }

  deliver(frame: Buffer): void {
    this.deliveries++;
    if (!this.log) return;
    const text = frame.toString('latin1');
    const subscription = /\nsubscription:([^\n]*)\n/.exec(text)?.[1];
    const body = text.slice(text.indexOf('\n\n') + 2, -1);
    this.log.push(`${subscription}:${body}`);
  }

  brokerLost(): void {}
}

function publishRound(broker: SimpleBroker, destinations: readonly string[], bodies: readonly Buffer[]): void {
  for (let k = 0; k < destinations.length; k++) broker.publish({ destination: destinations[k]!, headers: { 'content-type': 'text/plain' }, body: bodies[k]! });
}

/** ns per publish over whole rounds lasting at least MIN_MEASURE_MS, after two rounds of warm-up. */
function nsPerPublish(round: () => void, publishesPerRound: number): number {
  round();
  round();
  let rounds = 0;
  const started = performance.now();
  let elapsed = 0;
  while (elapsed < MIN_MEASURE_MS || rounds < 5) {
    round();
    rounds++;
    elapsed = performance.now() - started;
  }
  return (elapsed * 1e6) / (rounds * publishesPerRound);
}

/**
 * (f) What a publish costs the embedded broker when many pattern subscriptions exist (issue 11:
 * before the pattern index every publish tested every distinct pattern). In the bench process
 * itself, no network: the SimpleBroker with 1000 exact subscribers, then the same plus 100,000
 * pattern subscriptions over 1000 distinct patterns, publishing to the same 1000 exact
 * destinations, and with a single pattern subscription: the ratios say what unrelated patterns cost
 * a publish, and whether that grows with their number. Then publishes
 * that each match one pattern (100 deliveries), whose every delivery is checked, and for scale a
 * linear scan of the 1000 patterns (what the broker did before) and 100,000 distinct patterns.
 */
export const patternSubscriptionsScenario: Scenario = {
  id: 'f',
  title: 'pattern subscriptions: publish cost with 100k patterns',
  servers: ['simple-broker'],
  async run({ log }: ScenarioContext): Promise<ScenarioOutcome> {
    const exactDestinations = Array.from({ length: DESTINATIONS }, (_, k) => exactDestination(k));
    const bodies = exactDestinations.map((_, k) => Buffer.from(String(k)));

    const broker = new SimpleBroker('/');
    const exactSubscribers = exactDestinations.map((destination, k) => {
      const subscriber = new CountingSubscriber(`exact-${k}`);
      broker.subscribe(subscriber, 'e', destination);
      return subscriber;
    });
    const exactOnly = nsPerPublish(() => publishRound(broker, exactDestinations, bodies), DESTINATIONS);
    log(`exact only: ${exactOnly.toFixed(0)} ns per publish`);

    // One pattern subscription: what any pattern at all costs a publish (splitting the destination, walking the trie).
    const families = Array.from({ length: DISTINCT_PATTERNS }, (_, i) => patternFamily(i));
    const first = new CountingSubscriber('first');
    broker.subscribe(first, 'p0', families[0]!.pattern);
    const onePattern = nsPerPublish(() => publishRound(broker, exactDestinations, bodies), DESTINATIONS);
    broker.unsubscribe(first, 'p0');
    log(`with 1 pattern subscription: ${onePattern.toFixed(0)} ns per publish`);

    // 1000 sessions × 100 patterns each (the default per-session budget; 100,000 is the default total).
    const sessions = Array.from({ length: SESSIONS }, (_, s) => new CountingSubscriber(`session-${s}`));
    sessions.forEach((session, s) => {
      for (let j = 0; j < PATTERNS_PER_SESSION; j++) broker.subscribe(session, `p${(s + 10 * j) % DISTINCT_PATTERNS}`, families[(s + 10 * j) % DISTINCT_PATTERNS]!.pattern);
    });
    if (broker.patternSubscriptionCount !== DISTINCT_PATTERNS * SUBSCRIPTIONS_PER_PATTERN) throw new Error(`expected 100000 pattern subscriptions, the broker holds ${broker.patternSubscriptionCount}`);
    const withPatterns = nsPerPublish(() => publishRound(broker, exactDestinations, bodies), DESTINATIONS);
    log(`with 100k pattern subscriptions: ${withPatterns.toFixed(0)} ns per publish`);

    const matchingDestinations = families.map((family) => family.matching);
    const matchingBodies = matchingDestinations.map((_, k) => Buffer.from(String(k)));
    const matched = nsPerPublish(() => publishRound(broker, matchingDestinations, matchingBodies), DESTINATIONS);
    log(`publishes matching one pattern each (100 deliveries): ${matched.toFixed(0)} ns per publish`);

    const integrity = checkDeliveries(broker, sessions, exactSubscribers, families, exactDestinations);
    log(`delivery check: ${integrity.received} of ${integrity.expected} deliveries as expected`);

    let matches = 0;
    const linearScan = nsPerPublish(() => {
      for (const destination of exactDestinations) for (const family of families) if (family.regex.test(destination)) matches++;
    }, DESTINATIONS);
    if (matches !== 0) throw new Error('the reference regexes match destinations they should not');
    log(`before the index (each publish tests the 1000 patterns): ${linearScan.toFixed(0)} ns per publish for matching alone`);

    const distinct = new SimpleBroker('/', { maxPatternSubscriptionsPerSession: 1000, maxPatternSubscriptions: 100_000 });
    for (const [k, destination] of exactDestinations.entries()) distinct.subscribe(exactSubscribers[k]!, 'e', destination);
    for (let s = 0; s < 100; s++) {
      const session = new CountingSubscriber(`distinct-${s}`);
      // The attack of issue 11 (literal segments differ) and the wildcard-segment variant of it.
      for (let i = 0; i < 1000; i++) distinct.subscribe(session, `p${i}`, i % 2 === 0 ? `/topic/p${s}x${i}/*` : `/topic/*x${s}y${i}`);
    }
    const distinctPatterns = nsPerPublish(() => publishRound(distinct, exactDestinations, bodies), DESTINATIONS);
    log(`with 100k distinct patterns: ${distinctPatterns.toFixed(0)} ns per publish`);

    const metrics: Metrics = {
      exactOnlyNsPerPublish: exactOnly,
      withPatternsNsPerPublish: withPatterns,
      patternOverheadRatio: withPatterns / exactOnly,
      onePatternNsPerPublish: onePattern,
      /** Whether the number of patterns matters: 100,000 subscriptions against one. */
      patternGrowthRatio: withPatterns / onePattern,
      distinctPatternsNsPerPublish: distinctPatterns,
      matchedNsPerPublish: matched,
      matchedNsPerDelivery: matched / SUBSCRIPTIONS_PER_PATTERN,
      linearScanNsPerPublish: linearScan,
    };
    return { metrics, integrity, failedConnections: 0 };
  },
};

/**
 * One round of publishes to every destination, every delivery logged: each exact subscriber gets
 * its own message, each pattern subscription the one message published to its pattern's matching
 * destination (which the regex of the pattern confirms), once, in order, and nothing else.
 */
function checkDeliveries(
  broker: SimpleBroker,
  sessions: readonly CountingSubscriber[],
  exactSubscribers: readonly CountingSubscriber[],
  families: readonly PatternFamily[],
  exactDestinations: readonly string[],
): IntegrityReport {
  const everyone = [...sessions, ...exactSubscribers];
  for (const subscriber of everyone) subscriber.log = [];
  const destinations = [...exactDestinations, ...families.map((family) => family.matching)];
  destinations.forEach((destination, n) => broker.publish({ destination, headers: {}, body: Buffer.from(`m${n}`) }));
  // Which patterns each destination matches, by the regexes: the expectation does not come from the broker.
  const matchingPatterns = destinations.map((destination) => families.flatMap((family, i) => (family.regex.test(destination) ? [i] : [])));

  const total = { expected: 0, received: 0, lost: 0, duplicated: 0, outOfOrder: 0, malformed: 0 };
  const compare = (subscriber: CountingSubscriber, wanted: readonly string[]) => {
    const got = subscriber.log!;
    const wantedSet = new Set(wanted);
    const gotSet = new Set(got);
    total.expected += wanted.length;
    total.received += got.length;
    total.lost += wanted.filter((entry) => !gotSet.has(entry)).length;
    total.duplicated += got.length - gotSet.size + got.filter((entry) => !wantedSet.has(entry)).length;
    if (got.length === wanted.length && got.some((entry, i) => entry !== wanted[i])) total.outOfOrder++;
  };
  exactSubscribers.forEach((subscriber, k) => compare(subscriber, [`e:m${k}`]));
  sessions.forEach((session, s) => {
    const own = new Set(Array.from({ length: PATTERNS_PER_SESSION }, (_, j) => (s + 10 * j) % DISTINCT_PATTERNS));
    const wanted: string[] = [];
    matchingPatterns.forEach((patterns, n) => {
      for (const i of patterns) if (own.has(i)) wanted.push(`p${i}:m${n}`);
    });
    compare(session, wanted);
  });
  for (const subscriber of everyone) subscriber.log = undefined;
  return total;
}
