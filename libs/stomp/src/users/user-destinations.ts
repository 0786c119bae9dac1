import { StompLogger } from '../util/stomp-logger.js';
import { Inject, Injectable } from '@nestjs/common';
import { StompProtocolError } from '../errors/stomp-protocol.error.js';
import { MessageFrameTemplate } from '../protocol/message-frame-template.js';
import type { SessionOutlet } from '../interfaces/stomp-session.interface.js';
import { STOMP_SETTINGS } from '../interfaces/injection-tokens.js';
import { MessageIds } from '../util/message-ids.js';
import { DestinationResolver } from '../destinations/destination-resolver.js';
import { ClusterChannel } from './cluster-channel.js';
import { SimpUserRegistry } from './simp-user-registry.js';
import { UserAcknowledgements } from './user-acknowledgements.js';
import type { StompHeaders } from '../protocol/stomp-frame.js';

/** Spring's resolved form of a user destination, `-user` + a session id: never a client's to use. */
const RESOLVED_USER_DESTINATION = /-user[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** `-user` and a session id: anything shorter cannot end in one (checked before the regex, for every reply). */
const RESOLVED_USER_SUFFIX_LENGTH = '-user'.length + 36;

export interface OutgoingMessage {
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

/** A user message crossing to the other instances of a cluster. */
interface ClusterUserMessage {
  readonly kind: 'user-message';
  readonly from: string;
  readonly user?: string;
  readonly sessionId?: string;
  readonly destination: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/**
 * User destinations (Spring's `UserDestinationMessageHandler`). A client subscribes to
 * `/user/queue/x`; what is sent to its user (or its session) at `/queue/x` reaches that
 * subscription, with `destination:/user/queue/x`. Delivery goes straight to the user's sessions,
 * never through broker destinations another client could subscribe to. With a broker shared by
 * several instances, a message for a user is also handed to the other instances, so it reaches the
 * user's sessions wherever they are connected.
 */
@Injectable()
export class UserDestinations {
  private readonly logger = new StompLogger('StompModule');
  private readonly prefix: string;
  private readonly messageIds = new MessageIds('u');
  private readonly acks: UserAcknowledgements;

  constructor(
    @Inject(STOMP_SETTINGS) settings: { readonly userDestinationPrefix: string; readonly maxPrefetchCount: number },
    private readonly cluster: ClusterChannel,
    private readonly destinations: DestinationResolver,
    private readonly users: SimpUserRegistry,
  ) {
    this.prefix = settings.userDestinationPrefix;
    this.acks = new UserAcknowledgements(settings.maxPrefetchCount);
    cluster.of<ClusterUserMessage>('user-message').subscribe((message) => this.onClusterMessage(message));
  }

  isUserDestination(destination: string): boolean {
    return destination.startsWith(this.prefix);
  }

  /** Whether `destination` has the form of a session's private queue, which clients never address. */
  isResolvedUserDestination(destination: string): boolean {
    return destination.length >= RESOLVED_USER_SUFFIX_LENGTH && RESOLVED_USER_DESTINATION.test(destination);
  }

  /**
   * A SUBSCRIBE to `/user/queue/x`: what follows the prefix must be a broker destination. The
   * session keeps the subscription; a `client` / `client-individual` one is remembered here, so its
   * MESSAGEs carry an ack id of their own (see {@link UserAcknowledgements}).
   */
  subscribe(session: SessionOutlet, subscriptionId: string, destination: string, headers: StompHeaders): void {
    this.requireBrokerDestination('SUBSCRIBE', destination, destination.slice(this.prefix.length - 1));
    this.acks.subscribed(session, subscriptionId, headers);
  }

  unsubscribed(session: SessionOutlet, subscriptionId: string): void {
    this.acks.unsubscribed(session, subscriptionId);
  }

  disconnected(session: SessionOutlet): void {
    this.acks.disconnected(session);
  }

  /** Settles an ACK/NACK of a user message (`true`); `false` when it names a broker's message. */
  acknowledge(session: SessionOutlet, command: 'ACK' | 'NACK', headers: StompHeaders): boolean {
    return this.acks.acknowledge(session, command, headers);
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

  /** Every session of `user` (a principal's name, or an anonymous session's id), on every instance. */
  async sendToUser(user: string, destination: string, message: OutgoingMessage): Promise<void> {
    if (this.cluster.enabled) return this.broadcast({ user }, destination, message);
    this.deliverToUser(user, destination, message);
  }

  /** One session, on whichever instance holds it. */
  async sendToSession(sessionId: string, destination: string, message: OutgoingMessage): Promise<void> {
    const local = this.users.localSession(sessionId);
    if (local || !this.cluster.enabled) {
      if (local) this.deliver([local], destination, message);
      return;
    }
    await this.broadcast({ sessionId }, destination, message);
  }

  private deliverToUser(user: string, destination: string, message: OutgoingMessage): void {
    const sessions = this.users.sessionsOf(user);
    if (sessions.length > 0) return this.deliver(sessions, destination, message);
    const anonymous = this.users.localSession(user);
    if (anonymous && !anonymous.principal) this.deliver([anonymous], destination, message);
  }

  /** Writes the MESSAGE to each subscription of these sessions to `/user` + `destination`. */
  private deliver(sessions: readonly SessionOutlet[], destination: string, message: OutgoingMessage): void {
    const clientDestination = `${this.prefix.slice(0, -1)}${destination}`;
    let template: MessageFrameTemplate | undefined;
    let messageId: string | undefined;
    for (const session of sessions) {
      for (const [subscriptionId, subscribed] of session.subscriptionDestinations) {
        if (subscribed !== clientDestination) continue;
        template ??= MessageFrameTemplate.forMessage({ destination: clientDestination, headers: message.headers, body: message.body });
        const ack = this.acks.ackIdFor(session, subscriptionId);
        if (ack !== undefined) session.deliverMessage(template, subscriptionId, ack, ack);
        else session.deliverMessage(template, subscriptionId, (messageId ??= this.messageIds.next()));
      }
    }
  }

  private async broadcast(target: { user?: string; sessionId?: string }, destination: string, message: OutgoingMessage): Promise<void> {
    await this.cluster.publish<ClusterUserMessage>({
      kind: 'user-message',
      ...target,
      destination,
      headers: message.headers,
      body: message.body.toString('base64'),
    });
  }

  private onClusterMessage(message: ClusterUserMessage): void {
    const outgoing = { headers: message.headers, body: Buffer.from(message.body, 'base64') };
    try {
      if (message.user !== undefined) this.deliverToUser(message.user, message.destination, outgoing);
      else if (message.sessionId !== undefined) {
        const session = this.users.localSession(message.sessionId);
        if (session) this.deliver([session], message.destination, outgoing);
      }
    } catch (error) {
      this.logger.error(`Could not deliver a user message from another instance to '${message.destination}'`, (error as Error).stack);
    }
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
