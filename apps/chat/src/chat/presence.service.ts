import { Injectable, Logger } from '@nestjs/common';
import { OnStompEvent, SimpMessagingTemplate, SimpUserRegistry } from 'nest-stomp';

/**
 * Who is online, from the STOMP session events (and, with several instances, from the registry's
 * news of the others); every change goes to `/topic/presence`.
 */
@Injectable()
export class PresenceService {
  private readonly logger = new Logger('Presence');
  private last = '';

  constructor(
    private readonly users: SimpUserRegistry,
    private readonly messaging: SimpMessagingTemplate,
  ) {
    users.changes$.subscribe(() => {
      this.changed().catch((error: unknown) => this.logger.warn(`Presence not published: ${(error as Error).message}`));
    });
  }

  online(): string[] {
    return this.users
      .getUsers()
      .map((user) => user.name)
      .sort((a, b) => a.localeCompare(b));
  }

  @OnStompEvent('connected', 'disconnect')
  async changed(): Promise<void> {
    const online = this.online();
    // A user's second tab coming or going changes nobody's view of who is online.
    const key = JSON.stringify(online);
    if (key === this.last) return;
    this.last = key;
    await this.messaging.convertAndSend('/topic/presence', online);
  }
}
