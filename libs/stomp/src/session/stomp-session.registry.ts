import { Injectable } from '@nestjs/common';
import type { StompSession } from './stomp-session.js';

/** Every open session, connected or still awaiting CONNECT. */
@Injectable()
export class StompSessionRegistry {
  private readonly sessions = new Map<string, StompSession>();

  get size(): number {
    return this.sessions.size;
  }

  get(sessionId: string): StompSession | undefined {
    return this.sessions.get(sessionId);
  }

  all(): IterableIterator<StompSession> {
    return this.sessions.values();
  }

  add(session: StompSession): void {
    this.sessions.set(session.id, session);
  }

  remove(session: StompSession): void {
    this.sessions.delete(session.id);
  }
}
