import { StompLogger } from '../util/stomp-logger.js';
import { performance } from 'node:perf_hooks';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Subject, type Observable } from 'rxjs';
import { StompEvents } from '../events/stomp-events.js';
import type { StompEvent } from '../events/stomp-event.js';
import { STOMP_SETTINGS } from '../interfaces/injection-tokens.js';
import type { StompPrincipal } from '../interfaces/stomp-principal.interface.js';
import type { SessionOutlet } from '../interfaces/stomp-session.interface.js';
import { ClusterChannel } from './cluster-channel.js';
import { LocalUsers } from './local-users.js';
import { RegistryBroadcaster } from './registry-broadcaster.js';
import { RegistryChanges } from './registry-changes.js';
import type { RegistryHeartbeat, RegistryRequest, RegistryUpdate } from './registry-messages.js';
import { RemoteRegistries } from './remote-registries.js';
import type { SimpSession, SimpSubscription, SimpUser } from './simp-user.js';
import type { UserRegistryBroadcastSettings } from './user-registry-broadcast.settings.js';
import { UserNames } from './user-names.js';

export type { SimpSession, SimpSubscription, SimpUser } from './simp-user.js';

/** How often each instance says it is alive (and its last update), and how long the others trust it without news. */
const HEARTBEAT_INTERVAL_MS = 10_000;
const INSTANCE_TTL_MS = 3 * HEARTBEAT_INTERVAL_MS;
/** The repair of last resort: a full snapshot at most this often, and only when something changed since the last. */
const FULL_SNAPSHOT_INTERVAL_MS = 60_000;

/** What the registry reads of the module's options. */
export interface UserRegistrySettings {
  readonly userRegistryBroadcast: UserRegistryBroadcastSettings;
}

/**
 * The connected users, their sessions and subscriptions (Spring's `SimpUserRegistry`). Only
 * authenticated sessions (with a principal) are users; anonymous sessions are reached by session id.
 * With a broker shared by several instances, each instance tells the others of its users, so the
 * registry lists the users of all of them (Spring's `MultiServerUserRegistry`).
 *
 * Costs: users are indexed by name as sessions come and go, so `getUser` and `userCount` are O(1)
 * and `getUsers()` is O(users); the users it returns are views whose `sessions` and
 * `subscriptions` are read when accessed. `findSubscriptions` reads every subscription.
 */
@Injectable()
export class SimpUserRegistry implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new StompLogger('StompModule');
  private readonly names = new UserNames();
  private readonly local = new LocalUsers(this.names);
  /** Every connected session of this instance, anonymous ones included, by id. */
  private readonly connected = new Map<string, SessionOutlet>();
  private readonly remote: RemoteRegistries;
  private readonly changes: RegistryChanges | undefined;
  private readonly broadcaster: RegistryBroadcaster | undefined;
  private readonly changed = new Subject<void>();
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private joined = false;
  private lastFullSnapshot = 0;

  /** Emits when a user comes (their first session, here or on another instance) or goes (their last). */
  readonly changes$: Observable<void> = this.changed.asObservable();

  constructor(
    events: StompEvents,
    private readonly cluster: ClusterChannel,
    @Inject(STOMP_SETTINGS) settings: UserRegistrySettings,
  ) {
    this.remote = new RemoteRegistries(this.names, INSTANCE_TTL_MS, (instanceId) => this.broadcaster?.request(instanceId));
    const instanceId = cluster.instanceId;
    if (cluster.enabled && instanceId !== undefined) {
      this.changes = new RegistryChanges(this.local);
      this.broadcaster = new RegistryBroadcaster(cluster, instanceId, this.changes, settings.userRegistryBroadcast);
      cluster.of<RegistryUpdate>('user-registry-update').subscribe((message) => this.fromOtherInstance(message, () => this.remote.update(message)));
      cluster.of<RegistryHeartbeat>('user-registry-heartbeat').subscribe((message) => this.fromOtherInstance(message, () => this.remote.heartbeat(message)));
      cluster.of<RegistryRequest>('user-registry-request').subscribe((message) => {
        if (message.from !== instanceId && (message.to === instanceId || message.to === '*')) this.broadcaster?.fullSnapshotRequested();
      });
    }
    events.internalEvents$.subscribe((event) => this.onEvent(event));
  }

  onApplicationBootstrap(): void {
    if (!this.broadcaster) return;
    this.lastFullSnapshot = performance.now();
    this.heartbeatTimer = setInterval(() => this.onHeartbeatTimer(), HEARTBEAT_INTERVAL_MS).unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.heartbeatTimer);
    this.broadcaster?.stop();
    this.remote.clear();
    this.changed.complete();
  }

  /** Users here and on the other instances: O(1). */
  get userCount(): number {
    return this.names.size;
  }

  /** O(1); the user is a view (see {@link SimpUser}). */
  getUser(name: string): SimpUser | undefined {
    return this.names.has(name) ? this.view(name) : undefined;
  }

  /** O(users): their sessions and subscriptions are read only when accessed. */
  getUsers(): SimpUser[] {
    const users: SimpUser[] = [];
    for (const name of this.names.names()) users.push(this.view(name));
    return users;
  }

  /**
   * Every subscription of every user that `matches`, reading all of them: O(subscriptions).
   * Subscriptions on other instances are as their instance last told (within
   * `userRegistryBroadcast.interval` of the change, later while its byte budget is spent).
   */
  findSubscriptions(matches: (subscription: SimpSubscription) => boolean): SimpSubscription[] {
    const found: SimpSubscription[] = [];
    const test = (id: string, destination: string, sessionId: string, userName: string) => {
      const subscription = { id, destination, sessionId, userName };
      if (matches(subscription)) found.push(subscription);
    };
    for (const { name, session } of this.local.sessions()) {
      for (const [id, destination] of session.subscriptionDestinations) test(id, destination, session.id, name);
    }
    for (const session of this.remote.sessions()) {
      for (const [id, destination] of session.subscriptions) test(id, destination, session.id, session.user);
    }
    return found;
  }

  /** A session connected to this instance, anonymous or not. */
  localSession(sessionId: string): SessionOutlet | undefined {
    return this.connected.get(sessionId);
  }

  /** Sessions of a user connected to this instance, for delivery. */
  sessionsOf(name: string): readonly SessionOutlet[] {
    return this.local.get(name)?.outlets ?? [];
  }

  private onEvent(event: StompEvent<SessionOutlet>): void {
    switch (event.type) {
      case 'broker-availability':
        if (!event.available || !this.broadcaster) return;
        // First time: introduce this instance and ask for the others'; after an outage, tell the
        // last update sent, so that instances which missed some ask for a full snapshot.
        if (this.joined) this.broadcaster.heartbeat();
        else this.broadcaster.joined();
        this.joined = true;
        return;
      case 'connected':
        this.connected.set(event.session.id, event.session);
        if (!event.session.principal) return;
        this.local.add(event.session.principal.name, event.session);
        this.sessionChanged(event.session.id);
        return;
      case 'disconnect':
        this.connected.delete(event.session.id);
        if (this.local.remove(event.session.id)) this.sessionChanged(event.session.id);
        return;
      case 'subscribe':
      case 'unsubscribe':
        // Subscription churn changes no one's presence: only the other instances hear of it.
        if (!this.changes || !this.local.session(event.session.id)) return;
        this.changes.subscriptionChanged(event.session.id, event.subscriptionId);
        this.broadcaster!.changed();
        return;
    }
  }

  private sessionChanged(sessionId: string): void {
    if (this.changes) {
      this.changes.sessionChanged(sessionId);
      this.broadcaster!.changed();
    }
    this.announceIfUsersCameOrWent();
  }

  private fromOtherInstance(message: { readonly from: string }, apply: () => void): void {
    if (message.from === this.cluster.instanceId || typeof message.from !== 'string') return;
    try {
      apply();
    } catch (error) {
      this.logger.warn(`Dropped a user registry message from instance ${message.from}: ${(error as Error).message}`);
    }
    this.announceIfUsersCameOrWent();
  }

  private onHeartbeatTimer(): void {
    this.remote.expire();
    this.announceIfUsersCameOrWent();
    this.broadcaster!.heartbeat();
    const now = performance.now();
    if (this.changes!.changedSinceFull && now - this.lastFullSnapshot >= FULL_SNAPSHOT_INTERVAL_MS) {
      this.lastFullSnapshot = now;
      this.broadcaster!.fullSnapshotRequested();
    }
  }

  private announceIfUsersCameOrWent(): void {
    if (this.names.takeChange()) this.changed.next();
  }

  /** A user as a view over the indexes: nothing is copied until `sessions` or `subscriptions` is read. */
  private view(name: string): SimpUser {
    const local = this.local;
    const remote = this.remote;
    return {
      name,
      get principal(): StompPrincipal {
        const first = local.get(name)?.outlets[0];
        return first?.principal ?? { name };
      },
      get sessions(): SimpSession[] {
        const sessions: SimpSession[] = [];
        for (const session of local.get(name)?.outlets ?? []) {
          sessions.push({
            id: session.id,
            get subscriptions() {
              return [...session.subscriptionDestinations].map(([id, destination]) => ({ id, destination, sessionId: session.id, userName: name }));
            },
          });
        }
        for (const session of remote.sessionsOf(name)) {
          sessions.push({
            id: session.id,
            get subscriptions() {
              return [...session.subscriptions].map(([id, destination]) => ({ id, destination, sessionId: session.id, userName: name }));
            },
          });
        }
        return sessions;
      },
    };
  }
}
