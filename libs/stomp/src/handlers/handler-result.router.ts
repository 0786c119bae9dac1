import { Inject, Injectable, Optional } from '@nestjs/common';
import type { BrokerMessage, MessageBroker } from '../broker/message-broker.js';
import { StompDestinationError } from '../errors/stomp-destination.error.js';
import { isBinaryBody } from '../protocol/content-types.js';
import { DestinationResolver } from '../destinations/destination-resolver.js';
import { MessageConverter } from '../messaging/message-converter.js';
import { UserDestinations } from '../users/user-destinations.js';
import { STOMP_BROKER } from '../interfaces/injection-tokens.js';
import { StompCounters } from '../interfaces/stomp-counters.js';
import { MessageIds } from '../util/message-ids.js';
import { DestinationTemplate } from './destination-template.js';
import type { SendToUserMetadata } from './handler-metadata.js';
import type { MessageHandler, ReplyTarget } from './message-handler.js';
import type { StompContext } from './stomp-context.js';

/**
 * Sends a handler's return value where Spring would: `@SendTo` destinations (through the broker),
 * `@SendToUser` destinations (the sender's user or session), or, with neither, the default
 * destination for `@MessageMapping` and straight back to the subscriber for `@SubscribeMapping`.
 */
@Injectable()
export class HandlerResultRouter {
  private readonly messageIds = new MessageIds('r');

  constructor(
    private readonly destinations: DestinationResolver,
    private readonly converter: MessageConverter,
    private readonly userDestinations: UserDestinations,
    @Inject(STOMP_BROKER) private readonly broker: MessageBroker,
    @Optional() private readonly counters: StompCounters = new StompCounters(),
  ) {}

  /**
   * Sends the reply, one destination after the other: synchronous (no promise) when every publish
   * is, a promise from the first publish that is not. A refused destination throws.
   */
  route(result: unknown, target: ReplyTarget, kind: MessageHandler['kind'], context: StompContext): void | Promise<void> {
    if (result === undefined || result === null) return;
    const { body, contentType } = this.converter.toMessage(result);
    const headers = { 'content-type': contentType };
    const { sendTo, sendToUser } = target;
    if (!sendTo && !sendToUser) {
      if (kind === 'subscribe') return this.replyToSubscriber(context, contentType, body);
      return this.publish({ destination: this.destinations.defaultDestination(context.lookupDestination), headers, body });
    }
    const sent = sendTo ? this.sendTo(sendTo.length > 0 ? sendTo : [this.destinations.defaultDestination(context.lookupDestination)], 0, context, headers, body) : undefined;
    if (!sendToUser) return sent;
    if (sent) return sent.then(() => this.sendToUser(sendToUser, context, { headers, body }));
    return this.sendToUser(sendToUser, context, { headers, body });
  }

  /** `@SendTo` destinations from `from` on, in order, each publish settled before the next. */
  private sendTo(templates: readonly string[], from: number, context: StompContext, headers: Record<string, string>, body: Buffer): void | Promise<void> {
    for (let i = from; i < templates.length; i++) {
      const destination = fill(templates[i]!, context);
      // `{var}`s come from the client: they must not point a reply into someone's private queue.
      if (this.userDestinations.isResolvedUserDestination(destination)) throw StompDestinationError.privateUserDestination(destination);
      const published = this.publish({ destination, headers, body });
      if (published) return published.then(() => this.sendTo(templates, i + 1, context, headers, body));
    }
  }

  private async sendToUser(sendToUser: SendToUserMetadata, context: StompContext, message: { headers: Record<string, string>; body: Buffer }): Promise<void> {
    const targets = sendToUser.destinations.length > 0 ? sendToUser.destinations : [this.defaultUserDestination(context)];
    const { session } = context;
    for (const template of targets) {
      const destination = fill(template, context);
      if (this.userDestinations.isResolvedUserDestination(destination)) throw StompDestinationError.privateUserDestination(destination);
      // Without a principal the session is the user, so "all its sessions" is this one.
      if (sendToUser.broadcast && session.principal) await this.userDestinations.sendToUser(session.principal.name, destination, message);
      else await this.userDestinations.sendToSession(session.id, destination, message);
    }
  }

  private publish(message: BrokerMessage): void | Promise<void> {
    this.counters.messagesPublished++;
    return this.broker.publish(message);
  }

  private defaultUserDestination(context: StompContext): string {
    return defaultUserDestination(context.lookupDestination);
  }

  private replyToSubscriber(context: StompContext, contentType: string, body: Buffer): void {
    const session = context.outlet;
    const headers: Record<string, string> = { destination: context.destination };
    // A reply answers a SUBSCRIBE, which always has a subscription id (but for a 1.0 client's, its destination).
    if (context.subscriptionId !== undefined) headers.subscription = context.subscriptionId;
    headers['message-id'] = this.messageIds.next();
    headers['content-type'] = contentType;
    session.deliverFrame({ command: 'MESSAGE', headers, body }, isBinaryBody(contentType, body));
  }
}

/** `@SendToUser` without a destination: `/queue` + the mapped destination, as Spring. */
export function defaultUserDestination(lookupDestination: string): string {
  return `/queue${lookupDestination.startsWith('/') ? '' : '/'}${lookupDestination}`;
}

/** Fills `{var}` placeholders from the matched mapping's variables. */
function fill(template: string, context: StompContext): string {
  return DestinationTemplate.of(template).fill(context.variables);
}
