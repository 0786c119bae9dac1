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

  async route(result: unknown, target: ReplyTarget, kind: MessageHandler['kind'], context: StompContext): Promise<void> {
    if (result === undefined || result === null) return;
    const { body, contentType } = this.converter.toMessage(result);
    const message = { headers: { 'content-type': contentType }, body };
    const { sendTo, sendToUser } = target;
    if (!sendTo && !sendToUser) {
      if (kind === 'subscribe') this.replyToSubscriber(context, contentType, body);
      else await this.publish({ destination: this.destinations.defaultDestination(context.lookupDestination), ...message });
      return;
    }
    if (sendTo) {
      const targets = sendTo.length > 0 ? sendTo : [this.destinations.defaultDestination(context.lookupDestination)];
      for (const template of targets) {
        const destination = fill(template, context);
        // `{var}`s come from the client: they must not point a reply into someone's private queue.
        if (this.userDestinations.isResolvedUserDestination(destination)) throw StompDestinationError.privateUserDestination(destination);
        await this.publish({ destination, ...message });
      }
    }
    if (sendToUser) {
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
