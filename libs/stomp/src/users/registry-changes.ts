import type { LocalUsers } from './local-users.js';
import type { RegistryUpdateWriter } from './registry-messages.js';

/** What the other instances were told of one session. */
interface AnnouncedSession {
  readonly user: string;
  readonly subscriptions: Map<string, string>;
}

/**
 * What changed in this instance's users since the other instances were last told, kept as the
 * sessions and subscriptions that changed, not as a log of events: what is sent is the difference
 * between what the others know and what is true at the time of sending. A session that connects
 * and leaves, or a subscription made and removed, between two updates costs nothing; a client that
 * flips one subscription a thousand times costs at most one operation per update.
 *
 * Memory: what the others were told (every session and subscription of this instance, once more),
 * and the ids changed since, each of which is a live or an announced one.
 */
export class RegistryChanges {
  private readonly announced = new Map<string, AnnouncedSession>();
  private readonly dirtySessions = new Set<string>();
  private readonly dirtySubscriptions = new Map<string, Set<string>>();
  /** Whether anything changed since the last full snapshot. */
  changedSinceFull = false;

  constructor(private readonly local: LocalUsers) {}

  get pending(): boolean {
    return this.dirtySessions.size > 0 || this.dirtySubscriptions.size > 0;
  }

  /** A signed-in session connected or ended. */
  sessionChanged(sessionId: string): void {
    this.changedSinceFull = true;
    if (this.local.session(sessionId) || this.announced.has(sessionId)) this.dirtySessions.add(sessionId);
    else this.dirtySessions.delete(sessionId);
    this.dirtySubscriptions.delete(sessionId);
  }

  /** A signed-in session subscribed or unsubscribed `subscriptionId`. */
  subscriptionChanged(sessionId: string, subscriptionId: string): void {
    const known = this.announced.get(sessionId);
    // A session the others do not know yet goes out whole, subscriptions included.
    if (!known) return;
    this.changedSinceFull = true;
    let ids = this.dirtySubscriptions.get(sessionId);
    const live = this.local.session(sessionId)?.session.subscriptionDestinations.has(subscriptionId) ?? false;
    if (!live && !known.subscriptions.has(subscriptionId)) {
      ids?.delete(subscriptionId);
      if (ids?.size === 0) this.dirtySubscriptions.delete(sessionId);
      return;
    }
    if (!ids) this.dirtySubscriptions.set(sessionId, (ids = new Set()));
    ids.add(subscriptionId);
  }

  /** Writes what changed since the last update, and takes it as told. */
  writeDelta(writer: RegistryUpdateWriter): void {
    for (const sessionId of this.dirtySessions) {
      const live = this.local.session(sessionId);
      const known = this.announced.get(sessionId);
      if (live && !known) this.announce(writer, sessionId, live.name, live.session.subscriptionDestinations);
      else if (!live && known) {
        writer.ended(sessionId);
        this.announced.delete(sessionId);
      }
    }
    this.dirtySessions.clear();
    for (const [sessionId, ids] of this.dirtySubscriptions) {
      const known = this.announced.get(sessionId);
      const live = this.local.session(sessionId)?.session.subscriptionDestinations;
      if (!known || !live) continue;
      const added: [string, string][] = [];
      const removed: string[] = [];
      for (const id of ids) {
        const now = live.get(id);
        if (now === known.subscriptions.get(id)) continue;
        if (now === undefined) {
          removed.push(id);
          known.subscriptions.delete(id);
        } else {
          added.push([id, now]);
          known.subscriptions.set(id, now);
        }
      }
      if (removed.length > 0) writer.unsubscribed(sessionId, removed);
      if (added.length > 0) writer.subscribed(sessionId, added);
    }
    this.dirtySubscriptions.clear();
  }

  /** Writes every session and subscription of this instance, and takes them as told. */
  writeFull(writer: RegistryUpdateWriter): void {
    this.announced.clear();
    this.dirtySessions.clear();
    this.dirtySubscriptions.clear();
    this.changedSinceFull = false;
    for (const { name, session } of this.local.sessions()) this.announce(writer, session.id, name, session.subscriptionDestinations);
  }

  private announce(writer: RegistryUpdateWriter, sessionId: string, user: string, subscriptions: ReadonlyMap<string, string>): void {
    writer.session(sessionId, user, subscriptions);
    this.announced.set(sessionId, { user, subscriptions: new Map(subscriptions) });
  }
}
