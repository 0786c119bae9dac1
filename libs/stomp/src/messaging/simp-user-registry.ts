import { Injectable } from '@nestjs/common';
import { StompEvents } from '../events/stomp-events.js';
import type { StompPrincipal } from '../session/stomp-principal.js';
import type { StompSession } from '../session/stomp-session.js';

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
  readonly principal: StompPrincipal;
  readonly sessions: readonly SimpSession[];
}

/**
 * The connected users, their sessions and subscriptions (Spring's `SimpUserRegistry`). Only
 * authenticated sessions (with a principal) are users; anonymous sessions are reached by session id.
 * Answers are snapshots taken at the call.
 */
@Injectable()
export class SimpUserRegistry {
  private readonly users = new Map<string, Set<StompSession>>();

  constructor(events: StompEvents) {
    events.ofType('connected').subscribe(({ session }) => {
      if (!session.principal) return;
      let sessions = this.users.get(session.principal.name);
      if (!sessions) this.users.set(session.principal.name, (sessions = new Set()));
      sessions.add(session);
    });
    events.ofType('disconnect').subscribe(({ session }) => {
      const name = session.principal?.name;
      const sessions = name === undefined ? undefined : this.users.get(name);
      if (!sessions) return;
      sessions.delete(session);
      if (sessions.size === 0) this.users.delete(name!);
    });
  }

  get userCount(): number {
    return this.users.size;
  }

  getUser(name: string): SimpUser | undefined {
    const sessions = this.users.get(name);
    return sessions ? snapshot(name, sessions) : undefined;
  }

  getUsers(): SimpUser[] {
    return [...this.users].map(([name, sessions]) => snapshot(name, sessions));
  }

  /** Every subscription of every user that `matches`. */
  findSubscriptions(matches: (subscription: SimpSubscription) => boolean): SimpSubscription[] {
    return this.getUsers().flatMap((user) => user.sessions.flatMap((s) => s.subscriptions.filter(matches)));
  }

  /** Live sessions of a user, for delivery. */
  sessionsOf(name: string): readonly StompSession[] {
    const sessions = this.users.get(name);
    return sessions ? [...sessions] : [];
  }
}

function snapshot(name: string, sessions: ReadonlySet<StompSession>): SimpUser {
  const list = [...sessions];
  return {
    name,
    principal: list[0]!.principal!,
    sessions: list.map((session) => ({
      id: session.id,
      subscriptions: [...session.subscriptionDestinations].map(([id, destination]) => ({ id, destination, sessionId: session.id, userName: name })),
    })),
  };
}
