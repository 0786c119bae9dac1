import { Inject, Injectable } from '@nestjs/common';
import type { MessageBroker } from '../broker/message-broker.js';
import { StompProtocolError } from '../errors/stomp-protocol.error.js';
import { HandlerErrorHandler } from '../handlers/handler-error.handler.js';
import { HandlerResultRouter } from '../handlers/handler-result.router.js';
import type { MessageHandler } from '../handlers/message-handler.js';
import { MessageHandlerRegistry, type HandlerMatch } from '../handlers/message-handler.registry.js';
import { StompContext } from '../handlers/stomp-context.js';
import type { StompHeaders } from '../protocol/stomp-frame.js';
import type { StompFrameRouter } from '../session/stomp-frame-router.js';
import type { StompSession } from '../session/stomp-session.js';
import { STOMP_BROKER } from '../stomp.constants.js';
import { DestinationResolver } from '../destinations/destination-resolver.js';
import { MessageConverter } from '../messaging/message-converter.js';
import { messageHeadersOf } from '../protocol/message-headers.js';
import { UserDestinations } from '../users/user-destinations.js';

type Route =
  | { readonly kind: 'app'; readonly lookup: string }
  | { readonly kind: 'user' }
  | { readonly kind: 'broker' };

/**
 * The [dispatch] room. By destination prefix: application destinations go to `@MessageMapping`
 * (SEND) and `@SubscribeMapping` (SUBSCRIBE) handlers, user destinations to the sessions of their
 * user, broker destinations to the broker.
 */
@Injectable()
export class MessageDispatcher implements StompFrameRouter {
  constructor(
    private readonly handlers: MessageHandlerRegistry,
    private readonly destinations: DestinationResolver,
    private readonly userDestinations: UserDestinations,
    private readonly converter: MessageConverter,
    private readonly results: HandlerResultRouter,
    private readonly errors: HandlerErrorHandler,
    @Inject(STOMP_BROKER) private readonly broker: MessageBroker,
  ) {}

  connect(session: StompSession, headers: StompHeaders): void | Promise<void> {
    return this.broker.connect?.(session, { login: headers.login, passcode: headers.passcode });
  }

  acknowledge(session: StompSession, command: 'ACK' | 'NACK', headers: StompHeaders): void | Promise<void> {
    return this.broker.acknowledge?.(session, command, headers);
  }

  send(session: StompSession, destination: string, headers: StompHeaders, body: Buffer): void | Promise<void> {
    const route = this.route('SEND', destination);
    switch (route.kind) {
      case 'app':
        return this.invoke(this.handlerFor('message', destination, route.lookup), session, destination, route.lookup, headers, body);
      case 'user': {
        const { user, destination: target } = this.userDestinations.parseSend(destination);
        return this.userDestinations.sendToUser(user, target, { headers: messageHeadersOf(headers), body });
      }
      case 'broker':
        return this.broker.publish({ destination, headers: messageHeadersOf(headers), body }, session);
    }
  }

  goesToBroker(destination: string): boolean {
    try {
      return this.route('SEND', destination).kind === 'broker';
    } catch {
      return false;
    }
  }

  checkSend(_session: StompSession, destination: string): void {
    const route = this.route('SEND', destination);
    if (route.kind === 'app') this.handlerFor('message', destination, route.lookup);
    else if (route.kind === 'user') this.userDestinations.parseSend(destination);
  }

  subscribe(session: StompSession, subscriptionId: string, destination: string, headers: StompHeaders): void | Promise<void> {
    const route = this.route('SUBSCRIBE', destination);
    switch (route.kind) {
      case 'app':
        return this.invoke(this.handlerFor('subscribe', destination, route.lookup), session, destination, route.lookup, headers, Buffer.alloc(0));
      case 'user':
        // Kept by the session alone: user messages are delivered to its subscriptions directly.
        return this.userDestinations.checkSubscription(destination);
      case 'broker':
        return this.broker.subscribe(session, subscriptionId, destination, headers);
    }
  }

  unsubscribe(session: StompSession, subscriptionId: string, destination: string): void {
    // Only broker subscriptions exist at the broker: /app and /user ones live in the session alone.
    if (this.destinations.isBrokerDestination(destination)) void this.broker.unsubscribe(session, subscriptionId);
  }

  disconnected(session: StompSession): void {
    this.broker.unsubscribeAll(session);
  }

  private route(command: 'SEND' | 'SUBSCRIBE', destination: string): Route {
    const lookup = this.destinations.lookupDestination(destination);
    if (lookup !== undefined) return { kind: 'app', lookup };
    if (this.userDestinations.isUserDestination(destination)) return { kind: 'user' };
    if (this.destinations.isBrokerDestination(destination)) {
      if (this.userDestinations.isResolvedUserDestination(destination)) {
        throw new StompProtocolError(
          'STOMP_ERR_FORBIDDEN_DESTINATION',
          `${command} to '${destination}' is refused: it is a session's private user queue; use '/user/...' destinations instead`,
        );
      }
      return { kind: 'broker' };
    }
    throw new StompProtocolError(
      'STOMP_ERR_UNKNOWN_DESTINATION',
      `${command} to '${destination}': the destination matches no prefix (${this.destinations.describePrefixes()})`,
    );
  }

  private handlerFor(kind: MessageHandler['kind'], destination: string, lookup: string): HandlerMatch {
    const match = this.handlers.find(kind, lookup);
    if (!match) {
      const decorator = kind === 'message' ? '@MessageMapping' : '@SubscribeMapping';
      throw new StompProtocolError('STOMP_ERR_UNKNOWN_DESTINATION', `No ${decorator} handler for '${destination}' (mapped destination '${lookup}')`);
    }
    return match;
  }

  private async invoke(
    match: HandlerMatch,
    session: StompSession,
    destination: string,
    lookup: string,
    headers: StompHeaders,
    body: Buffer,
  ): Promise<void> {
    const { handler, variables } = match;
    const command = handler.kind === 'message' ? 'SEND' : 'SUBSCRIBE';
    const context = new StompContext(command, destination, lookup, headers, body, variables, session);
    let payload: unknown;
    try {
      payload = command === 'SEND' ? this.converter.fromMessage(headers['content-type'], body, destination) : undefined;
    } catch (error) {
      return this.errors.handle(error, handler, context, false);
    }
    let result: unknown;
    try {
      result = await handler.invoke(payload, context);
    } catch (error) {
      return this.errors.handle(error, handler, context, true);
    }
    try {
      await this.results.route(result, handler, handler.kind, context);
    } catch (error) {
      // The reply could not be sent (a refused destination, a broker that is away): the sender hears of it.
      return this.errors.handle(error, handler, context, false);
    }
  }
}
