import { Subject } from 'rxjs';
import type { BrokerCluster, MessageBroker } from '../broker/message-broker.js';
import { StompEvents } from '../events/stomp-events.js';
import type { SessionOutlet } from '../interfaces/stomp-session.interface.js';
import { ByteBudget } from './byte-budget.js';
import { ClusterChannel } from './cluster-channel.js';
import { RemoteRegistries } from './remote-registries.js';
import { SimpUserRegistry } from './simp-user-registry.js';
import type { SimpUser } from './simp-user.js';
import { UserNames } from './user-names.js';

/**
 * An in-process cluster channel: what one member publishes reaches every member (itself included)
 * in publish order, asynchronously, as Redis delivers. `lose` drops chosen messages, as an outage would.
 */
class Bus {
  readonly members = new Set<Subject<string>>();
  readonly sent: string[] = [];
  lose: (data: string) => boolean = () => false;
  private readonly waiters = new Set<() => void>();

  cluster(instanceId: string): BrokerCluster {
    const inbox = new Subject<string>();
    this.members.add(inbox);
    return {
      instanceId,
      messages$: inbox.asObservable(),
      publish: async (data) => {
        this.sent.push(data);
        const lost = this.lose(data);
        setImmediate(() => {
          if (!lost) for (const member of this.members) member.next(data);
          for (const wake of this.waiters) wake();
        });
      },
    };
  }

  bytesSince(index: number): number {
    return this.sent.slice(index).reduce((sum, data) => sum + Buffer.byteLength(data), 0);
  }

  /** Resolves once `condition` holds after some delivery (or at once). */
  until(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`Timed out waiting for ${what}`));
      }, timeoutMs);
      const check = () => {
        if (!condition()) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      this.waiters.add(check);
    });
  }
}

interface FakeSession extends SessionOutlet {
  readonly subscriptionDestinations: Map<string, string>;
}

function fakeSession(id: string, name?: string): FakeSession {
  return {
    id,
    principal: name === undefined ? undefined : { name },
    subscriptionDestinations: new Map<string, string>(),
  } as unknown as FakeSession;
}

/** One instance: its registry, and the events its sessions would emit. */
class Instance {
  readonly events = new StompEvents();
  readonly registry: SimpUserRegistry;
  private readonly channel: ClusterChannel | undefined;
  presence = 0;

  constructor(bus: Bus | undefined, id: string, settings = { interval: 5, maxBytesPerSecond: 1024 * 1024 }) {
    const broker = { cluster: bus?.cluster(id) } as unknown as MessageBroker;
    this.channel = new ClusterChannel(broker);
    this.registry = new SimpUserRegistry(this.events, this.channel, { userRegistryBroadcast: settings });
    this.registry.changes$.subscribe(() => this.presence++);
    this.registry.onApplicationBootstrap();
    this.events.emit({ type: 'broker-availability', available: true });
  }

  connect(id: string, name?: string): FakeSession {
    const session = fakeSession(id, name);
    this.events.emit({ type: 'connected', session });
    return session;
  }

  disconnect(session: FakeSession): void {
    session.subscriptionDestinations.clear();
    this.events.emit({ type: 'disconnect', session, reason: 'client' });
  }

  subscribe(session: FakeSession, subscriptionId: string, destination: string): void {
    session.subscriptionDestinations.set(subscriptionId, destination);
    this.events.emit({ type: 'subscribe', session, subscriptionId, destination });
  }

  unsubscribe(session: FakeSession, subscriptionId: string): void {
    const destination = session.subscriptionDestinations.get(subscriptionId)!;
    session.subscriptionDestinations.delete(subscriptionId);
    this.events.emit({ type: 'unsubscribe', session, subscriptionId, destination });
  }

  close(): void {
    this.registry.onApplicationShutdown();
    this.channel?.onModuleDestroy();
  }
}

/** What a user looks like, sessions and subscriptions sorted. */
function describeUser(user: SimpUser | undefined): unknown {
  if (!user) return undefined;
  return {
    name: user.name,
    sessions: user.sessions
      .map((s) => ({ id: s.id, subscriptions: s.subscriptions.map((sub) => `${sub.id}=${sub.destination}@${sub.sessionId}/${sub.userName}`).sort() }))
      .sort((x, y) => x.id.localeCompare(y.id)),
  };
}

/** The updates that are deltas, not parts of a full snapshot (from its `reset` part to its `end` part). */
function deltasOf(sent: readonly string[], from = 0): string[] {
  const inSnapshot = new Set<string>();
  return sent.filter((data, index) => {
    const message = JSON.parse(data) as { kind: string; from: string; reset?: true; end?: true };
    if (message.kind !== 'user-registry-update') return false;
    if (message.reset) inSnapshot.add(message.from);
    const delta = !inSnapshot.has(message.from);
    if (message.end) inSnapshot.delete(message.from);
    return delta && index >= from;
  });
}

function kinds(bus: Bus, from = 0): string[] {
  return bus.sent.slice(from).map((data) => (JSON.parse(data) as { kind: string }).kind);
}

describe('SimpUserRegistry, one instance', () => {
  let instance: Instance;

  beforeEach(() => {
    instance = new Instance(undefined, 'solo');
  });

  afterEach(() => instance.close());

  it('indexes users by name, their sessions and subscriptions, and drops them as they leave', () => {
    const { registry } = instance;
    const alice1 = instance.connect('a1', 'alice');
    const alice2 = instance.connect('a2', 'alice');
    const bob = instance.connect('b1', 'bob');
    const anonymous = instance.connect('x1');
    instance.subscribe(alice1, 's1', '/topic/news');
    instance.subscribe(bob, 's1', '/user/queue/private');

    expect(registry.userCount).toBe(2);
    expect(registry.getUsers().map((u) => u.name).sort()).toEqual(['alice', 'bob']);
    expect(describeUser(registry.getUser('alice'))).toEqual({
      name: 'alice',
      sessions: [
        { id: 'a1', subscriptions: ['s1=/topic/news@a1/alice'] },
        { id: 'a2', subscriptions: [] },
      ],
    });
    expect(registry.getUser('alice')!.principal).toEqual({ name: 'alice' });
    expect(registry.getUser('x1')).toBeUndefined();
    expect(registry.sessionsOf('alice').map((s) => s.id)).toEqual(['a1', 'a2']);
    expect(registry.localSession('x1')).toBe(anonymous);
    expect(registry.findSubscriptions((s) => s.destination.startsWith('/user/')).map((s) => `${s.userName}/${s.sessionId}/${s.id}`)).toEqual(['bob/b1/s1']);

    instance.disconnect(alice1);
    expect(registry.sessionsOf('alice').map((s) => s.id)).toEqual(['a2']);
    instance.disconnect(alice2);
    instance.disconnect(anonymous);
    expect(registry.getUser('alice')).toBeUndefined();
    expect(registry.sessionsOf('alice')).toEqual([]);
    expect(registry.localSession('x1')).toBeUndefined();
    expect(registry.userCount).toBe(1);
  });

  it('hands out users as views: what is read later is what is true then', () => {
    const session = instance.connect('c1', 'carol');
    const carol = instance.registry.getUser('carol')!;
    instance.subscribe(session, 'late', '/topic/late');
    expect(carol.sessions[0]!.subscriptions.map((s) => s.id)).toEqual(['late']);
    instance.disconnect(session);
    expect(carol.sessions).toEqual([]);
  });

  it('answers getUser, userCount and getUsers without reading a single subscription', () => {
    let reads = 0;
    for (let i = 0; i < 100; i++) {
      const session = instance.connect(`s${i}`, `user${i}`);
      const subscriptions = new Map(Array.from({ length: 1000 }, (_, j) => [`sub${j}`, `/topic/t${j}`] as const));
      Object.defineProperty(session, 'subscriptionDestinations', {
        get: () => {
          reads++;
          return subscriptions;
        },
      });
    }
    const started = performance.now();
    let found = 0;
    let counted = 0;
    for (let i = 0; i < 10_000; i++) {
      if (instance.registry.getUser('nobody-online')) found++;
      counted += instance.registry.userCount;
    }
    expect(found).toBe(0);
    expect(counted).toBe(10_000 * 100);
    expect(instance.registry.getUsers()).toHaveLength(100);
    expect(instance.registry.getUser('user7')!.sessions.map((s) => s.id)).toEqual(['s7']);
    expect(reads).toBe(0);
    // Before the index, each call copied 100,000 subscriptions: 10,000 calls took minutes.
    expect(performance.now() - started).toBeLessThan(1000);
    expect(instance.registry.findSubscriptions((s) => s.destination === '/topic/t999')).toHaveLength(100);
  });

  it('emits changes$ when a user comes or goes, not for a second session or a subscription', () => {
    const first = instance.connect('d1', 'dave');
    expect(instance.presence).toBe(1);
    const second = instance.connect('d2', 'dave');
    instance.subscribe(second, 's', '/topic/x');
    instance.unsubscribe(second, 's');
    instance.connect('x2');
    instance.disconnect(first);
    expect(instance.presence).toBe(1);
    instance.disconnect(second);
    expect(instance.presence).toBe(2);
  });

  it('keeps a session under the name it connected with, whatever becomes of its principal', () => {
    const session = instance.connect('e1', 'erin');
    (session as { principal: unknown }).principal = { name: 'mallory' };
    expect(instance.registry.getUser('mallory')).toBeUndefined();
    instance.disconnect(session);
    expect(instance.registry.getUser('erin')).toBeUndefined();
  });
});

describe('SimpUserRegistry, several instances', () => {
  let bus: Bus;
  const instances: Instance[] = [];

  function start(id: string, settings?: { interval: number; maxBytesPerSecond: number }): Instance {
    const instance = new Instance(bus, id, settings);
    instances.push(instance);
    return instance;
  }

  beforeEach(() => {
    bus = new Bus();
  });

  afterEach(() => {
    for (const instance of instances.splice(0)) instance.close();
  });

  it("lists the users of every instance, with their sessions and subscriptions, and merges a user's sessions", async () => {
    const a = start('A');
    const b = start('B');
    const aliceOnA = a.connect('a1', 'alice');
    a.subscribe(aliceOnA, 'n', '/topic/news');
    b.connect('b1', 'alice');
    b.connect('b2', 'bob');
    await bus.until(() => a.registry.userCount === 2 && b.registry.getUser('alice')?.sessions.length === 2, 'both instances to know both users');

    expect(describeUser(b.registry.getUser('alice'))).toEqual({
      name: 'alice',
      sessions: [
        { id: 'a1', subscriptions: ['n=/topic/news@a1/alice'] },
        { id: 'b1', subscriptions: [] },
      ],
    });
    expect(a.registry.getUser('bob')!.principal).toEqual({ name: 'bob' });
    expect(b.registry.findSubscriptions((s) => s.destination === '/topic/news').map((s) => s.sessionId)).toEqual(['a1']);
    // Delivery is local: the other instance's sessions are reached over the channel, not listed here.
    expect(b.registry.sessionsOf('alice').map((s) => s.id)).toEqual(['b1']);
  });

  it('sends changes as deltas: a subscription flipped a thousand times costs at most one operation per update', async () => {
    const a = start('A', { interval: 20, maxBytesPerSecond: 1024 * 1024 });
    const b = start('B');
    const sessions = Array.from({ length: 50 }, (_, i) => a.connect(`s${i}`, `user${i}`));
    sessions.forEach((session) => {
      for (let j = 0; j < 200; j++) a.subscribe(session, `sub${j}`, `/topic/t${j}`);
    });
    await bus.until(() => b.registry.findSubscriptions(() => true).length === 10_000, 'B to know 10,000 subscriptions');
    const fullSize = bus.bytesSince(0);

    const flipper = sessions[0]!;
    const before = bus.sent.length;
    for (let i = 0; i < 1000; i++) {
      a.subscribe(flipper, 'flip', '/topic/flip');
      a.unsubscribe(flipper, 'flip');
    }
    a.subscribe(flipper, 'flip', '/topic/flip');
    await bus.until(() => b.registry.findSubscriptions((s) => s.id === 'flip').length === 1, 'B to see the last flip');

    // (B's request for everything at start-up may still be answered meanwhile: full snapshots are not deltas.)
    const deltas = deltasOf(bus.sent, before);
    expect(deltas.length).toBeLessThanOrEqual(2);
    expect(deltas.join('').length).toBeLessThan(1000);
    expect(fullSize).toBeGreaterThan(100_000);
    expect(b.registry.findSubscriptions((s) => s.id === 'flip')).toEqual([{ id: 'flip', destination: '/topic/flip', sessionId: 's0', userName: 'user0' }]);
  });

  it('sends nothing for a session that came and went between two updates', async () => {
    const a = start('A', { interval: 30, maxBytesPerSecond: 1024 * 1024 });
    const b = start('B');
    await bus.until(() => kinds(bus).filter((k) => k === 'user-registry-update').length >= 2, 'both instances to introduce themselves');
    const before = bus.sent.length;
    for (let i = 0; i < 100; i++) a.disconnect(a.connect(`brief${i}`, 'brief'));
    const stays = a.connect('stays', 'stays');
    await bus.until(() => b.registry.getUser('stays') !== undefined, 'B to see the session that stayed');
    expect(bus.sent.slice(before).join('')).not.toContain('brief');
    expect(b.presence).toBe(1);
    a.disconnect(stays);
    await bus.until(() => b.registry.userCount === 0, 'B to see it go');
    expect(b.presence).toBe(2);
  });

  it('numbers updates; a receiver that misses one asks for a full snapshot and ends in step', async () => {
    const a = start('A');
    const b = start('B');
    const alice = a.connect('a1', 'alice');
    await bus.until(() => b.registry.getUser('alice') !== undefined, 'B to see alice');

    // This update is lost on its way (Redis was away): B holds a stale subscription list.
    bus.lose = (data) => data.includes('"lost-one"');
    a.subscribe(alice, 'lost-one', '/topic/lost');
    await bus.until(() => bus.sent.some((data) => data.includes('"lost-one"')), 'the update to be sent (and lost)');
    bus.lose = () => false;
    const before = bus.sent.length;

    a.subscribe(alice, 'next', '/topic/next');
    await bus.until(() => b.registry.findSubscriptions((s) => s.id === 'lost-one').length === 1, 'B to repair its view of A');

    expect(kinds(bus, before)).toEqual(expect.arrayContaining(['user-registry-request']));
    const request = bus.sent.slice(before).map((data) => JSON.parse(data) as Record<string, unknown>).find((m) => m.kind === 'user-registry-request');
    expect(request).toMatchObject({ from: 'B', to: 'A' });
    expect(describeUser(b.registry.getUser('alice'))).toEqual(describeUser(a.registry.getUser('alice')));
  });

  it("finds a lost last update from the sender's heartbeat", async () => {
    const a = start('A');
    const b = start('B');
    await bus.until(() => kinds(bus).filter((k) => k === 'user-registry-update').length >= 2, 'both instances to introduce themselves');
    bus.lose = (data) => data.includes('"user-registry-update"') && data.includes('"from":"A"');
    a.connect('a1', 'quiet');
    await bus.until(() => bus.sent.some((data) => data.includes('"quiet"')), 'the update to be sent (and lost)');
    bus.lose = () => false;
    expect(b.registry.getUser('quiet')).toBeUndefined();

    // Broker back after an outage: A tells its last sequence number; B is behind and asks.
    a.events.emit({ type: 'broker-availability', available: true });
    await bus.until(() => b.registry.getUser('quiet') !== undefined, 'B to learn of the lost user');
  });

  it('brings an instance that starts late up to date with a full snapshot from each of the others', async () => {
    const a = start('A');
    const b = start('B');
    a.subscribe(a.connect('a1', 'alice'), 's', '/topic/a');
    b.connect('b1', 'bob');
    await bus.until(() => a.registry.userCount === 2 && b.registry.userCount === 2, 'A and B to know each other');

    const c = start('C');
    await bus.until(() => c.registry.userCount === 2, 'C to know the users of A and B');
    expect(describeUser(c.registry.getUser('alice'))).toEqual(describeUser(a.registry.getUser('alice')));
    expect(c.registry.getUser('bob')!.sessions.map((s) => s.id)).toEqual(['b1']);
  });

  it('sends a large full snapshot in parts within maxBytesPerSecond, and changes meanwhile after it', async () => {
    const budget = 40_000;
    const a = start('A', { interval: 5, maxBytesPerSecond: budget });
    for (let i = 0; i < 40; i++) {
      const session = a.connect(`s${i}`, `user${i}`);
      for (let j = 0; j < 100; j++) a.subscribe(session, `subscription-${j}`, `/topic/some/longer/destination/${j}`);
    }
    // Let A's own introduction and its deltas drain before B asks for everything.
    await bus.until(() => bus.sent.length > 0, 'A to start sending');
    const b = start('B', { interval: 5, maxBytesPerSecond: budget });
    const started = performance.now();
    const from = bus.sent.length;
    await bus.until(() => b.registry.findSubscriptions(() => true).length === 4000, 'B to receive the full snapshot', 10_000);
    const seconds = (performance.now() - started) / 1000;

    const fromA = bus.sent.slice(from).filter((data) => data.includes('"from":"A"'));
    const largest = Math.max(...fromA.map((data) => Buffer.byteLength(data)));
    expect(largest).toBeLessThanOrEqual(budget + 200);
    expect(fromA.length).toBeGreaterThan(3);
    // The bucket holds one second's worth, and one message may overdraw it.
    const sentByA = fromA.reduce((sum, data) => sum + Buffer.byteLength(data), 0);
    expect(sentByA).toBeLessThanOrEqual(budget * (seconds + 1) + largest);
    expect(sentByA).toBeGreaterThan(budget);
  });

  it('emits changes$ once per update that brings or takes users, never for subscriptions', async () => {
    const a = start('A');
    const b = start('B');
    const sessions = Array.from({ length: 20 }, (_, i) => a.connect(`s${i}`, `user${i}`));
    await bus.until(() => b.registry.userCount === 20, 'B to see 20 users');
    const presence = b.presence;
    expect(presence).toBeLessThanOrEqual(2);
    for (const session of sessions) a.subscribe(session, 'x', '/topic/x');
    await bus.until(() => b.registry.findSubscriptions(() => true).length === 20, 'B to see 20 subscriptions');
    expect(b.presence).toBe(presence);
  });
});

describe('RemoteRegistries', () => {
  it('forgets an instance not heard from within its time to live', () => {
    let now = 0;
    const names = new UserNames();
    const asked: string[] = [];
    const remote = new RemoteRegistries(names, 30_000, (id) => asked.push(id), () => now);
    remote.update({ kind: 'user-registry-update', from: 'A', seq: 1, reset: true, end: true, ops: [['+', 's1', 'alice', ['x', '/topic/x']]] });
    expect(names.has('alice')).toBe(true);
    expect(asked).toEqual([]);
    now = 29_999;
    remote.expire();
    expect(names.has('alice')).toBe(true);
    now = 60_000;
    remote.expire();
    expect(names.has('alice')).toBe(false);
    expect(remote.instanceCount).toBe(0);
  });

  it('swaps a full snapshot in only once its last part arrives, and a user in both never looks gone', () => {
    const names = new UserNames();
    const remote = new RemoteRegistries(names, 30_000, () => undefined);
    remote.update({ kind: 'user-registry-update', from: 'A', seq: 1, reset: true, end: true, ops: [['+', 's1', 'alice', []]] });
    names.takeChange();
    remote.update({ kind: 'user-registry-update', from: 'A', seq: 2, reset: true, ops: [['+', 's1', 'alice', []]] });
    remote.update({ kind: 'user-registry-update', from: 'A', seq: 3, ops: [['+', 's2', 'bob', []]] });
    expect(names.has('bob')).toBe(false);
    remote.update({ kind: 'user-registry-update', from: 'A', seq: 4, end: true, ops: [] });
    expect(names.has('bob')).toBe(true);
    expect(names.has('alice')).toBe(true);
    expect([...names.names()].sort()).toEqual(['alice', 'bob']);
  });

  it('asks once per gap, and again at a heartbeat that finds it still out of step', () => {
    const asked: string[] = [];
    const remote = new RemoteRegistries(new UserNames(), 30_000, (id) => asked.push(id));
    remote.update({ kind: 'user-registry-update', from: 'A', seq: 5, ops: [] });
    remote.update({ kind: 'user-registry-update', from: 'A', seq: 7, ops: [] });
    expect(asked).toEqual(['A']);
    remote.heartbeat({ kind: 'user-registry-heartbeat', from: 'A', seq: 7 });
    expect(asked).toEqual(['A', 'A']);
    remote.update({ kind: 'user-registry-update', from: 'A', seq: 8, reset: true, end: true, ops: [] });
    remote.heartbeat({ kind: 'user-registry-heartbeat', from: 'A', seq: 8 });
    expect(asked).toEqual(['A', 'A']);
  });
  it('skips what it cannot read (an instance of another version) and keeps the rest', () => {
    const names = new UserNames();
    const remote = new RemoteRegistries(names, 30_000, () => undefined);
    const garbage = [null, 'x', ['+', 7], ['?', 's9'], ['s', 'nobody', ['a', '/b']], ['+', 's1', 'alice', 'not a list']] as never[];
    remote.update({ kind: 'user-registry-update', from: 'A', seq: 1, reset: true, end: true, ops: [...garbage, ['+', 's2', 'bob', ['x', '/topic/x']]] });
    remote.update({ kind: 'user-registry-update', from: 'A', seq: 'two', ops: 'none' } as never);
    expect([...names.names()].sort()).toEqual(['alice', 'bob']);
    expect([...remote.sessions()].map((session) => [session.id, [...session.subscriptions]])).toEqual([
      ['s1', []],
      ['s2', [['x', '/topic/x']]],
    ]);
  });
});

describe('ByteBudget', () => {
  it('lets one second of bytes through at once, then paces at its rate, a message overdrawing it', () => {
    let now = 0;
    const budget = new ByteBudget(1000, () => now);
    expect(budget.waitMs).toBe(0);
    budget.spend(2500);
    expect(budget.waitMs).toBe(1500);
    now = 1000;
    expect(budget.waitMs).toBe(500);
    now = 1500;
    expect(budget.waitMs).toBe(0);
    now = 100_000;
    budget.spend(1000);
    expect(budget.waitMs).toBe(0);
    budget.spend(1);
    expect(budget.waitMs).toBe(1);
  });
});
