import type { SessionOutlet } from '../interfaces/stomp-session.interface.js';
import type { UserNames } from './user-names.js';

/** One user's sessions on this instance. */
export class LocalUser {
  readonly sessions = new Map<string, SessionOutlet>();
  private list: readonly SessionOutlet[] | undefined;

  constructor(readonly name: string) {}

  /** For delivery: the same array until the user's sessions change. */
  get outlets(): readonly SessionOutlet[] {
    return (this.list ??= [...this.sessions.values()]);
  }

  add(session: SessionOutlet): void {
    this.sessions.set(session.id, session);
    this.list = undefined;
  }

  remove(sessionId: string): void {
    this.sessions.delete(sessionId);
    this.list = undefined;
  }
}

/**
 * The signed-in sessions of this instance, by user name and by session id, kept as sessions connect
 * and disconnect: every lookup is O(1). A session belongs to the name its principal had when it
 * connected, whatever happens to the principal later.
 */
export class LocalUsers {
  private readonly byName = new Map<string, LocalUser>();
  private readonly byId = new Map<string, { readonly name: string; readonly session: SessionOutlet }>();

  constructor(private readonly names: UserNames) {}

  get(name: string): LocalUser | undefined {
    return this.byName.get(name);
  }

  /** A signed-in session of this instance and its user's name. */
  session(sessionId: string): { readonly name: string; readonly session: SessionOutlet } | undefined {
    return this.byId.get(sessionId);
  }

  sessions(): IterableIterator<{ readonly name: string; readonly session: SessionOutlet }> {
    return this.byId.values();
  }

  add(name: string, session: SessionOutlet): void {
    if (this.byId.has(session.id)) return;
    let user = this.byName.get(name);
    if (!user) {
      this.byName.set(name, (user = new LocalUser(name)));
      this.names.retain(name);
    }
    user.add(session);
    this.byId.set(session.id, { name, session });
  }

  /** Whether the session was a signed-in session of this instance. */
  remove(sessionId: string): boolean {
    const entry = this.byId.get(sessionId);
    if (!entry) return false;
    this.byId.delete(sessionId);
    const user = this.byName.get(entry.name)!;
    user.remove(sessionId);
    if (user.sessions.size === 0) {
      this.byName.delete(entry.name);
      this.names.release(entry.name);
    }
    return true;
  }
}
