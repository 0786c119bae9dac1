import type { RegistryOperation } from './registry-messages.js';
import type { UserNames } from './user-names.js';

/** A session connected to another instance, as that instance last told. */
export interface RemoteSession {
  readonly id: string;
  readonly user: string;
  readonly subscriptions: Map<string, string>;
}

/**
 * The users of one other instance: its sessions by id and by user name. While attached to the
 * registry's {@link UserNames} (it is the instance's current state, not a snapshot being received)
 * the names it holds count as online.
 */
export class RemoteSessions {
  private readonly byId = new Map<string, RemoteSession>();
  private readonly byUser = new Map<string, Map<string, RemoteSession>>();
  private names: UserNames | undefined;

  get sessionCount(): number {
    return this.byId.size;
  }

  sessionsOf(name: string): IterableIterator<RemoteSession> | undefined {
    return this.byUser.get(name)?.values();
  }

  sessions(): IterableIterator<RemoteSession> {
    return this.byId.values();
  }

  /** From now on this instance's names count as online. */
  attach(names: UserNames): void {
    this.names = names;
    for (const name of this.byUser.keys()) names.retain(name);
  }

  /** This instance's names no longer count. */
  detach(): void {
    const names = this.names;
    this.names = undefined;
    if (names) for (const name of this.byUser.keys()) names.release(name);
  }

  /** Applies one operation; malformed ones (from an instance of another version) are skipped. */
  apply(op: RegistryOperation): void {
    if (!Array.isArray(op) || typeof op[1] !== 'string') return;
    switch (op[0]) {
      case '+':
        if (typeof op[2] === 'string') this.add(op[1], op[2], op[3]);
        return;
      case '-':
        this.remove(op[1]);
        return;
      case 's': {
        const session = this.byId.get(op[1]);
        const pairs = op[2];
        if (!session || !Array.isArray(pairs)) return;
        for (let i = 0; i + 1 < pairs.length; i += 2) session.subscriptions.set(String(pairs[i]), String(pairs[i + 1]));
        return;
      }
      case 'u': {
        const session = this.byId.get(op[1]);
        if (!session || !Array.isArray(op[2])) return;
        for (const id of op[2]) session.subscriptions.delete(String(id));
        return;
      }
    }
  }

  private add(id: string, user: string, pairs: unknown): void {
    this.remove(id);
    const subscriptions = new Map<string, string>();
    if (Array.isArray(pairs)) for (let i = 0; i + 1 < pairs.length; i += 2) subscriptions.set(String(pairs[i]), String(pairs[i + 1]));
    const session: RemoteSession = { id, user, subscriptions };
    this.byId.set(id, session);
    let sessions = this.byUser.get(user);
    if (!sessions) {
      this.byUser.set(user, (sessions = new Map()));
      this.names?.retain(user);
    }
    sessions.set(id, session);
  }

  private remove(id: string): void {
    const session = this.byId.get(id);
    if (!session) return;
    this.byId.delete(id);
    const sessions = this.byUser.get(session.user)!;
    sessions.delete(id);
    if (sessions.size === 0) {
      this.byUser.delete(session.user);
      this.names?.release(session.user);
    }
  }
}
