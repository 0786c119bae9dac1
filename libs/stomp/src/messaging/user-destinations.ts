import { Inject, Injectable } from '@nestjs/common';
import type { MessageBroker } from '../broker/message-broker.js';
import { StompProtocolError } from '../errors/stomp-protocol.error.js';
import type { StompSession } from '../session/stomp-session.js';
import { StompSessionRegistry } from '../session/stomp-session.registry.js';
import { RESOLVED_STOMP_OPTIONS, STOMP_BROKER } from '../stomp.constants.js';
import type { ResolvedStompOptions } from '../stomp.options.js';
import { DestinationResolver } from './destination-resolver.js';
import { SimpUserRegistry } from './simp-user-registry.js';

/** A session's own queue for a user destination ends in `-user` + its id (a UUID), as Spring. */
const RESOLVED_USER_DESTINATION = /-user[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface OutgoingMessage {
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

/**
 * User destinations (Spring's `UserDestinationMessageHandler`): a client subscribes to
 * `/user/queue/x` and the broker keeps that as `/queue/x-user{sessionId}`; a message for user `bob`
 * at `/queue/x` goes to that queue of each of bob's sessions, and shows `destination:/user/queue/x`.
 */
@Injectable()
export class UserDestinations {
  private readonly prefix: string;

  constructor(
    @Inject(RESOLVED_STOMP_OPTIONS) options: ResolvedStompOptions,
    @Inject(STOMP_BROKER) private readonly broker: MessageBroker,
    private readonly destinations: DestinationResolver,
    private readonly users: SimpUserRegistry,
    private readonly sessions: StompSessionRegistry,
  ) {
    this.prefix = options.userDestinationPrefix;
  }

  isUserDestination(destination: string): boolean {
    return destination.startsWith(this.prefix);
  }

  /** Whether `destination` is some session's private queue, which clients never address directly. */
  isResolvedUserDestination(destination: string): boolean {
    return RESOLVED_USER_DESTINATION.test(destination);
  }

  /** SUBSCRIBE `/user/queue/x` → the broker destination `/queue/x-user{sessionId}`. */
  resolveSubscription(session: StompSession, destination: string): string {
    const target = destination.slice(this.prefix.length - 1);
    this.requireBrokerDestination('SUBSCRIBE', destination, target);
    return `${target}-user${session.id}`;
  }

  /** SEND `/user/{name}/queue/x` → user `name` (URL-decoded, so names may hold `%2F`), `/queue/x`. */
  parseSend(destination: string): { user: string; destination: string } {
    const rest = destination.slice(this.prefix.length);
    const slash = rest.indexOf('/');
    if (slash <= 0) {
      throw new StompProtocolError(
        'STOMP_ERR_UNKNOWN_DESTINATION',
        `SEND to '${destination}': a user destination names its user, e.g. '${this.prefix}{name}/queue/x'`,
      );
    }
    const target = rest.slice(slash);
    this.requireBrokerDestination('SEND', destination, target);
    return { user: decodeURIComponent(rest.slice(0, slash)), destination: target };
  }

  /** Every session of `user`: a principal's name, or the id of an anonymous session. */
  async sendToUser(user: string, destination: string, message: OutgoingMessage): Promise<void> {
    const sessions = this.users.sessionsOf(user);
    if (sessions.length > 0) {
      for (const session of sessions) await this.publish(session.id, destination, message);
      return;
    }
    const anonymous = this.sessions.get(user);
    if (anonymous && !anonymous.principal) await this.publish(anonymous.id, destination, message);
  }

  async sendToSession(sessionId: string, destination: string, message: OutgoingMessage): Promise<void> {
    await this.publish(sessionId, destination, message);
  }

  private publish(sessionId: string, destination: string, message: OutgoingMessage): void | Promise<void> {
    return this.broker.publish({
      destination: `${destination}-user${sessionId}`,
      userDestination: `${this.prefix.slice(0, -1)}${destination}`,
      headers: message.headers,
      body: message.body,
    });
  }

  private requireBrokerDestination(command: string, destination: string, target: string): void {
    if (!this.destinations.isBrokerDestination(target)) {
      throw new StompProtocolError(
        'STOMP_ERR_UNKNOWN_DESTINATION',
        `${command} to '${destination}': '${target}' after the user prefix matches no broker prefix (${this.destinations.brokerPrefixes.join(', ')})`,
      );
    }
  }
}
