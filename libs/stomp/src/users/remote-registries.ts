import { performance } from 'node:perf_hooks';
import type { RegistryHeartbeat, RegistryUpdate } from './registry-messages.js';
import { RemoteSessions, type RemoteSession } from './remote-sessions.js';
import type { UserNames } from './user-names.js';

/** What this instance knows of another one. */
interface RemoteInstance {
  /** The last update received. */
  seq: number;
  /** Whether `current` is complete: built from a full snapshot and every update since. */
  synced: boolean;
  /** Asked for a full snapshot, not received yet. */
  requested: boolean;
  current: RemoteSessions;
  /** A full snapshot being received, part by part. */
  incoming: RemoteSessions | undefined;
  expires: number;
}

/**
 * The users of the other instances, as they tell them (see `registry-messages.ts`): updates applied
 * in sequence; a gap or an unknown instance makes it ask that instance for a full snapshot (once,
 * and again at each heartbeat that finds it still out of step); an instance silent for `ttlMs` is
 * forgotten.
 */
export class RemoteRegistries {
  private readonly instances = new Map<string, RemoteInstance>();

  constructor(
    private readonly names: UserNames,
    private readonly ttlMs: number,
    private readonly askForFull: (instanceId: string) => void,
    private readonly now: () => number = () => performance.now(),
  ) {}

  get instanceCount(): number {
    return this.instances.size;
  }

  /** Sessions of `name` on the other instances. */
  *sessionsOf(name: string): Generator<RemoteSession> {
    for (const instance of this.instances.values()) {
      const sessions = instance.current.sessionsOf(name);
      if (sessions) yield* sessions;
    }
  }

  *sessions(): Generator<RemoteSession> {
    for (const instance of this.instances.values()) yield* instance.current.sessions();
  }

  update(message: RegistryUpdate): void {
    if (typeof message.seq !== 'number' || !Array.isArray(message.ops)) return;
    const instance = this.instance(message.from);
    const inStep = instance.seq + 1 === message.seq;
    instance.seq = message.seq;
    if (message.reset) instance.incoming = new RemoteSessions();
    else if (!inStep) {
      // A part of a full snapshot or an update was lost: apply what came, and ask for everything.
      instance.incoming = undefined;
      this.outOfStep(message.from, instance);
    }
    const target = instance.incoming ?? instance.current;
    for (const op of message.ops) target.apply(op);
    if (instance.incoming && message.end) {
      // The new state's names first, then the old one's go: a user in both never looks gone.
      instance.incoming.attach(this.names);
      instance.current.detach();
      instance.current = instance.incoming;
      instance.incoming = undefined;
      instance.synced = true;
      instance.requested = false;
    }
  }

  heartbeat(message: RegistryHeartbeat): void {
    if (typeof message.seq !== 'number') return;
    const instance = this.instance(message.from);
    if (instance.seq === message.seq) {
      // In step, or receiving a full snapshot in step so far.
      if (instance.synced || instance.incoming) return;
    } else {
      // An update was lost (or this is an instance not heard from before).
      instance.seq = message.seq;
      instance.incoming = undefined;
    }
    // Out of step, or asked before and nothing came (the request or its answer was lost): ask again.
    instance.requested = false;
    this.outOfStep(message.from, instance);
  }

  /** Forgets the instances not heard from for `ttlMs`. */
  expire(): void {
    const now = this.now();
    for (const [id, instance] of this.instances) {
      if (instance.expires > now) continue;
      instance.current.detach();
      this.instances.delete(id);
    }
  }

  clear(): void {
    for (const instance of this.instances.values()) instance.current.detach();
    this.instances.clear();
  }

  private instance(id: string): RemoteInstance {
    let instance = this.instances.get(id);
    if (!instance) {
      const current = new RemoteSessions();
      current.attach(this.names);
      // seq -1: whatever comes first is out of step, unless it starts a full snapshot.
      instance = { seq: -1, synced: false, requested: false, current, incoming: undefined, expires: 0 };
      this.instances.set(id, instance);
    }
    instance.expires = this.now() + this.ttlMs;
    return instance;
  }

  private outOfStep(id: string, instance: RemoteInstance): void {
    instance.synced = false;
    if (instance.requested) return;
    instance.requested = true;
    this.askForFull(id);
  }
}
