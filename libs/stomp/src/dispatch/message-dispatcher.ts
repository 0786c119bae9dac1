import { Inject, Injectable, Optional } from '@nestjs/common';
import type { MessageBroker } from '../broker/message-broker.js';
import { StompProtocolError } from '../errors/stomp-protocol.error.js';
import { DestinationResolver } from '../destinations/destination-resolver.js';
import { HandlerInvoker } from '../handlers/handler-invoker.js';
import { STOMP_BROKER } from '../interfaces/injection-tokens.js';
import { StompCounters } from '../interfaces/stomp-counters.js';
import type { SessionOutlet } from '../interfaces/stomp-session.interface.js';
import { messageHeadersOf } from '../protocol/message-headers.js';
import { EMPTY_BODY, type StompHeaders } from '../protocol/stomp-frame.js';
import { UserDestinations } from '../users/user-destinations.js';

/**
 * Where a destination goes: an application destination is its lookup destination (the mapping's
 * view of it), the others one of two markers. A string, not an object, as it is made per frame.
 */
const USER_ROUTE = Symbol('user');
const BROKER_ROUTE = Symbol('broker');
type Route = string | typeof USER_ROUTE | typeof BROKER_ROUTE;

/**
 * The [dispatch] room, the session's `StompFrameRouter` (wired by the module under
 * STOMP_FRAME_ROUTER). By destination prefix: application destinations go to `@MessageMapping`
 * (SEND) and `@SubscribeMapping` (SUBSCRIBE) handlers, user destinations to the sessions of their
 * user, broker destinations to the broker.
 */
@Injectable()
export class MessageDispatcher {
  constructor(
    private readonly handlers: HandlerInvoker,
    private readonly destinations: DestinationResolver,
    private readonly userDestinations: UserDestinations,
    @Inject(STOMP_BROKER) private readonly broker: MessageBroker,
    @Optional() private readonly counters: StompCounters = new StompCounters(),
  ) {}

  connect(session: SessionOutlet, headers: StompHeaders): void | Promise<void> {
    return this.broker.connect?.(session, { login: headers.login, passcode: headers.passcode });
  }

  /** A user message's ACK/NACK is settled by the user destinations (no broker saw it); any other goes to the broker. */
  acknowledge(session: SessionOutlet, command: 'ACK' | 'NACK', headers: StompHeaders): void | Promise<void> {
    if (this.userDestinations.acknowledge(session, command, headers)) return;
    return this.broker.acknowledge?.(session, command, headers);
  }

  send(session: SessionOutlet, destination: string, headers: StompHeaders, body: Buffer): void | Promise<void> {
    const route = this.route('SEND', destination);
    switch (route) {
      case USER_ROUTE: {
        const { user, destination: target } = this.userDestinations.parseSend(destination);
        return this.userDestinations.sendToUser(user, target, { headers: messageHeadersOf(headers), body });
      }
      case BROKER_ROUTE:
        this.counters.messagesPublished++;
        return this.broker.publish({ destination, headers: messageHeadersOf(headers), body }, session);
      default:
        return this.handlers.dispatch('message', { session, destination, lookup: route, headers, body });
    }
  }

  goesToBroker(destination: string): boolean {
    try {
      return this.route('SEND', destination) === BROKER_ROUTE;
    } catch {
      return false;
    }
  }

  checkSend(_session: SessionOutlet, destination: string): void {
    const route = this.route('SEND', destination);
    if (typeof route === 'string') this.handlers.checkMapped('message', destination, route);
    else if (route === USER_ROUTE) this.userDestinations.parseSend(destination);
  }

  subscribe(session: SessionOutlet, subscriptionId: string, destination: string, headers: StompHeaders): void | Promise<void> {
    const route = this.route('SUBSCRIBE', destination);
    switch (route) {
      case USER_ROUTE:
        // Kept by the session alone: user messages are delivered to its subscriptions directly.
        return this.userDestinations.subscribe(session, subscriptionId, destination, headers);
      case BROKER_ROUTE:
        return this.broker.subscribe(session, subscriptionId, destination, headers);
      default:
        return this.handlers.dispatch('subscribe', { session, destination, lookup: route, headers, body: EMPTY_BODY });
    }
  }

  unsubscribe(session: SessionOutlet, subscriptionId: string, destination: string): void {
    // Only broker subscriptions exist at the broker: /app and /user ones live in the session alone.
    if (this.destinations.isBrokerDestination(destination)) void this.broker.unsubscribe(session, subscriptionId);
    else if (this.userDestinations.isUserDestination(destination)) this.userDestinations.unsubscribed(session, subscriptionId);
  }

  disconnected(session: SessionOutlet): void {
    this.userDestinations.disconnected(session);
    this.broker.unsubscribeAll(session);
  }

  private route(command: 'SEND' | 'SUBSCRIBE', destination: string): Route {
    const lookup = this.destinations.lookupDestination(destination);
    if (lookup !== undefined) return lookup;
    if (this.userDestinations.isUserDestination(destination)) return USER_ROUTE;
    if (this.destinations.isBrokerDestination(destination)) {
      if (this.userDestinations.isResolvedUserDestination(destination)) {
        throw new StompProtocolError(
          'STOMP_ERR_FORBIDDEN_DESTINATION',
          `${command} to '${destination}' is refused: it is a session's private user queue; use '/user/...' destinations instead`,
        );
      }
      return BROKER_ROUTE;
    }
    throw new StompProtocolError(
      'STOMP_ERR_UNKNOWN_DESTINATION',
      `${command} to '${destination}': the destination matches no prefix (${this.destinations.describePrefixes()})`,
    );
  }
}
