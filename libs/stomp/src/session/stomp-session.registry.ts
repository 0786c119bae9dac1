import { Inject, Injectable, Logger } from '@nestjs/common';
import { StompEvents } from '../events/stomp-events.js';
import { MessageDispatcher } from '../messaging/message-dispatcher.js';
import { RESOLVED_STOMP_OPTIONS } from '../stomp.constants.js';
import type { ResolvedStompOptions } from '../stomp.options.js';
import type { StompConnection } from '../transport/stomp-connection.js';
import { StompSession } from './stomp-session.js';

/** Opens a session for every new connection and knows every open one. */
@Injectable()
export class StompSessionRegistry {
  private readonly logger = new Logger('StompSession');
  private readonly sessions = new Map<string, StompSession>();

  constructor(
    @Inject(RESOLVED_STOMP_OPTIONS) private readonly options: ResolvedStompOptions,
    private readonly dispatcher: MessageDispatcher,
    private readonly events: StompEvents,
  ) {}

  /** Open sessions, connected or still awaiting CONNECT. */
  get size(): number {
    return this.sessions.size;
  }

  get(sessionId: string): StompSession | undefined {
    return this.sessions.get(sessionId);
  }

  all(): IterableIterator<StompSession> {
    return this.sessions.values();
  }

  open(connection: StompConnection): StompSession {
    const session = new StompSession(connection, this.options, this.dispatcher, this.logger, this.events, (ended) => this.sessions.delete(ended.id));
    this.sessions.set(session.id, session);
    return session;
  }
}
