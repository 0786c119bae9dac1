import { performance } from 'node:perf_hooks';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Subject, type Observable } from 'rxjs';
import { StompEvents } from '../events/stomp-events.js';
import { ClusterChannel } from './cluster-channel.js';
import type { StompPrincipal } from '../interfaces/stomp-principal.interface.js';
import type { SessionOutlet } from '../interfaces/stomp-session.interface.js';

export interface SimpSubscription {
  readonly id: string;
  readonly destination: string;
  readonly sessionId: string;
  readonly userName: string;
}

export interface SimpSession {
  readonly id: string;
  readonly subscriptions: readonly SimpSubscription[];
}

export interface SimpUser {
  readonly name: string;
  /** The principal as authenticated; for a user connected to another instance, only its name. */
  readonly principal: StompPrincipal;
  readonly sessions: readonly SimpSession[];
}

/** One instance's users, as it tells the others (Spring's `userRegistryBroadcast`). */
interface RegistrySnapshot {
  readonly kind: 'user-registry';
  readonly from: string;
  readonly users: readonly SimpUser[];
}

/** How often each instance repeats its snapshot, and how long the others trust one. */
const BROADCAST_INTERVAL_MS = 10_000;
const SNAPSHOT_TTL_MS = 3 * BROADCAST_INTERVAL_MS;
/** Changes within this window go out as one snapshot. */
const BROADCAST_DELAY_MS = 50;

/**
 * The connected users, their sessions and subscriptions (Spring's `SimpUserRegistry`). Only
 * authenticated sessions (with a principal) are users; anonymous sessions are reached by session id.
 * With a broker shared by several instances, each instance tells the others of its users, so the
 * registry lists the users of all of them (Spring's `MultiServerUserRegistry`). Answers are
 * snapshots taken at the call.
 */
@Injectable()
export class SimpUserRegistry implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('StompModule');
  private readonly local = new Map<string, Set<SessionOutlet>>();
  /** Every connected session of this instance, anonymous ones included, by id. */
  private readonly connected = new Map<string, SessionOutlet>();
  private readonly remote = new Map<string, { users: readonly SimpUser[]; expires: number }>();
  private readonly changed = new Subject<void>();
  private broadcastTimer: NodeJS.Timeout | undefined;
  private broadcastPending: NodeJS.Timeout | undefined;

  /** Emits whenever the users (here or on another instance), their sessions or subscriptions change. */
  readonly changes$: Observable<void> = this.changed.asObservable();

  constructor(
    events: StompEvents,
    private readonly cluster: ClusterChannel,
  ) {
    events.internalEvents$.subscribe((event) => {
      if (event.type === 'broker-availability') {
        if (event.available) this.broadcast();
        return;
      }
      if (event.type === 'connected') this.connected.set(event.session.id, event.session);
      else if (event.type === 'disconnect') this.connected.delete(event.session.id);
      if (event.type === 'connect' || !event.session.principal) return;
      if (event.type === 'connected') this.add(event.session);
      else if (event.type === 'disconnect') this.remove(event.session);
      this.scheduleBroadcast();
      // Subscription churn changes no one's presence: only users coming and going are news.
      if (event.type === 'connected' || event.type === 'disconnect') this.changed.next();
    });
    cluster.of<RegistrySnapshot>('user-registry').subscribe((message) => this.onSnapshot(message));
  }

  onApplicationBootstrap(): void {
    if (!this.cluster.enabled) return;
    this.broadcastTimer = setInterval(() => {
      this.expireSnapshots();
      this.broadcast();
    }, BROADCAST_INTERVAL_MS).unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.broadcastTimer);
    clearTimeout(this.broadcastPending);
    this.changed.complete();
  }

  get userCount(): number {
    return this.getUsers().length;
  }

  getUser(name: string): SimpUser | undefined {
    return this.getUsers().find((user) => user.name === name);
  }

  getUsers(): SimpUser[] {
    const byName = new Map<string, SimpUser>();
    const merge = (user: SimpUser) => {
      const known = byName.get(user.name);
      byName.set(user.name, known ? { ...known, sessions: [...known.sessions, ...user.sessions] } : user);
    };
    for (const [name, sessions] of this.local) merge(snapshot(name, sessions));
    const now = performance.now();
    for (const { users, expires } of this.remote.values()) if (expires > now) users.forEach(merge);
    return [...byName.values()];
  }

  /** Every subscription of every user that `matches`. */
  findSubscriptions(matches: (subscription: SimpSubscription) => boolean): SimpSubscription[] {
    return this.getUsers().flatMap((user) => user.sessions.flatMap((s) => s.subscriptions.filter(matches)));
  }

  /** A session connected to this instance, anonymous or not. */
  localSession(sessionId: string): SessionOutlet | undefined {
    return this.connected.get(sessionId);
  }

  /** Sessions of a user connected to this instance, for delivery. */
  sessionsOf(name: string): readonly SessionOutlet[] {
    const sessions = this.local.get(name);
    return sessions ? [...sessions] : [];
  }

  private add(session: SessionOutlet): void {
    const name = session.principal!.name;
    let sessions = this.local.get(name);
    if (!sessions) this.local.set(name, (sessions = new Set()));
    sessions.add(session);
  }

  private remove(session: SessionOutlet): void {
    const name = session.principal!.name;
    const sessions = this.local.get(name);
    if (!sessions) return;
    sessions.delete(session);
    if (sessions.size === 0) this.local.delete(name);
  }

  /**
   * Changes are shared at most every BROADCAST_DELAY_MS, whatever their rate: a client flipping
   * subscriptions cannot make every instance serialise the registry thousands of times a second.
   */
  private scheduleBroadcast(): void {
    if (!this.cluster.enabled || this.broadcastPending) return;
    this.broadcastPending = setTimeout(() => {
      this.broadcastPending = undefined;
      this.broadcast();
    }, BROADCAST_DELAY_MS).unref();
  }

  private broadcast(): void {
    if (!this.cluster.enabled) return;
    const users = [...this.local].map(([name, sessions]) => snapshot(name, sessions, true));
    this.cluster.publish<RegistrySnapshot>({ kind: 'user-registry', users }).catch((error: unknown) => {
      // The broker is away: the next change or the periodic broadcast after it comes back repairs it.
      this.logger.debug(`User registry not shared: ${(error as Error).message}`);
    });
  }

  private onSnapshot(message: RegistrySnapshot): void {
    if (message.from === this.cluster.instanceId || !Array.isArray(message.users)) return;
    this.remote.set(message.from, { users: message.users, expires: performance.now() + SNAPSHOT_TTL_MS });
    this.changed.next();
  }

  private expireSnapshots(): void {
    const now = performance.now();
    for (const [from, { expires }] of this.remote) if (expires <= now) this.remote.delete(from);
  }
}

/** `nameOnly`: what travels to other instances, where the principal's other fields have no business. */
function snapshot(name: string, sessions: ReadonlySet<SessionOutlet>, nameOnly = false): SimpUser {
  const list = [...sessions];
  return {
    name,
    principal: nameOnly ? { name } : list[0]!.principal!,
    sessions: list.map((session) => ({
      id: session.id,
      subscriptions: [...session.subscriptionDestinations].map(([id, destination]) => ({ id, destination, sessionId: session.id, userName: name })),
    })),
  };
}
