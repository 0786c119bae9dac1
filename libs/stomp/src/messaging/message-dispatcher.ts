import { Inject, Injectable, Logger } from '@nestjs/common';
import type { MessageBroker } from '../broker/message-broker.js';
import { StompProtocolError } from '../errors/stomp-protocol.error.js';
import type { MessageHandler } from '../handlers/message-handler.js';
import { MessageHandlerRegistry } from '../handlers/message-handler.registry.js';
import { StompContext } from '../handlers/stomp-context.js';
import type { StompHeaders } from '../protocol/stomp-frame.js';
import type { StompFrameRouter } from '../session/stomp-frame-router.js';
import type { StompSession } from '../session/stomp-session.js';
import { STOMP_BROKER } from '../stomp.constants.js';
import { DestinationResolver } from './destination-resolver.js';
import { MessageConverter } from './message-converter.js';
import { messageHeadersOf } from './message-headers.js';

/**
 * The [dispatch] room: application destinations go to `@MessageMapping` handlers, whose return
 * values go to the broker; broker destinations go straight to the broker.
 */
@Injectable()
export class MessageDispatcher implements StompFrameRouter {
  private readonly logger = new Logger('StompModule');

  constructor(
    private readonly handlers: MessageHandlerRegistry,
    private readonly destinations: DestinationResolver,
    private readonly converter: MessageConverter,
    @Inject(STOMP_BROKER) private readonly broker: MessageBroker,
  ) {}

  send(session: StompSession, destination: string, headers: StompHeaders, body: Buffer): void | Promise<void> {
    const lookup = this.destinations.lookupDestination(destination);
    if (lookup !== undefined) return this.invokeHandler(session, destination, lookup, headers, body);
    if (this.destinations.isBrokerDestination(destination)) {
      return this.broker.publish({ destination, headers: messageHeadersOf(headers), body });
    }
    throw this.unknownDestination('SEND', destination);
  }

  subscribe(session: StompSession, subscriptionId: string, destination: string): void | Promise<void> {
    if (!this.destinations.isBrokerDestination(destination)) throw this.unknownDestination('SUBSCRIBE', destination);
    return this.broker.subscribe(session, subscriptionId, destination);
  }

  unsubscribe(session: StompSession, subscriptionId: string): void {
    this.broker.unsubscribe(session, subscriptionId);
  }

  disconnected(session: StompSession): void {
    this.broker.unsubscribeAll(session);
  }

  private async invokeHandler(session: StompSession, destination: string, lookup: string, headers: StompHeaders, body: Buffer): Promise<void> {
    const match = this.handlers.find(lookup);
    if (!match) {
      throw new StompProtocolError('STOMP_ERR_UNKNOWN_DESTINATION', `No @MessageMapping handler for '${destination}' (mapped destination '${lookup}')`);
    }
    const payload = this.converter.fromMessage(headers['content-type'], body, destination);
    const context = new StompContext(destination, headers, body, match.variables, session);
    let result: unknown;
    try {
      result = await match.handler.invoke(payload, context);
    } catch (error) {
      // The handler failed, not the frame: the session goes on, and the failure is logged.
      const cause = error instanceof Error ? error : new Error(String(error));
      this.logger.error(`${match.handler.name} failed on a SEND to '${destination}' (session ${session.id}): ${cause.message}`, cause.stack);
      return;
    }
    if (result === undefined || result === null) return;
    const { body: replyBody, contentType } = this.converter.toMessage(result);
    for (const target of this.replyDestinations(match.handler, lookup, match.variables)) {
      await this.broker.publish({ destination: target, headers: { 'content-type': contentType }, body: replyBody });
    }
  }

  private replyDestinations(handler: MessageHandler, lookup: string, variables: Readonly<Record<string, string>>): string[] {
    if (handler.sendTo.length === 0) return [this.destinations.defaultDestination(lookup)];
    return handler.sendTo.map((template) => template.replace(/\{([^}:]+)\}/g, (whole, name: string) => variables[name] ?? whole));
  }

  private unknownDestination(command: string, destination: string): StompProtocolError {
    return new StompProtocolError(
      'STOMP_ERR_UNKNOWN_DESTINATION',
      `${command} to '${destination}': the destination matches no prefix (${this.destinations.describePrefixes()})`,
    );
  }
}
