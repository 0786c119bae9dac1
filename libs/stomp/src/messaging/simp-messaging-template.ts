import { Inject, Injectable, Optional } from '@nestjs/common';
import type { MessageBroker } from '../broker/message-broker.js';
import { StompDestinationError } from '../errors/stomp-destination.error.js';
import { STOMP_BROKER } from '../interfaces/injection-tokens.js';
import { StompCounters } from '../interfaces/stomp-counters.js';
import { DestinationResolver } from '../destinations/destination-resolver.js';
import { MessageConverter } from './message-converter.js';
import { messageHeadersOf } from '../protocol/message-headers.js';
import { UserDestinations } from '../users/user-destinations.js';

/**
 * Sends to broker destinations from anywhere in the application (Spring's `SimpMessagingTemplate`).
 *
 * @example
 * constructor(private readonly messaging: SimpMessagingTemplate) {}
 * await this.messaging.convertAndSend('/topic/prices', { symbol: 'ACME', price: 12.5 });
 */
@Injectable()
export class SimpMessagingTemplate {
  constructor(
    @Inject(STOMP_BROKER) private readonly broker: MessageBroker,
    private readonly destinations: DestinationResolver,
    private readonly converter: MessageConverter,
    private readonly userDestinations: UserDestinations,
    @Optional() private readonly counters: StompCounters = new StompCounters(),
  ) {}

  /**
   * Converts `payload` (Buffer → `application/octet-stream`, string → `text/plain`, anything else →
   * JSON) and publishes it to `destination`, a broker destination. `headers` travel as MESSAGE
   * headers. Resolves once the broker has taken the message; rejects, never drops silently, when it
   * cannot.
   */
  async convertAndSend(destination: string, payload: unknown, headers: Readonly<Record<string, string | number>> = {}): Promise<void> {
    this.requireBrokerDestination(destination);
    this.counters.messagesPublished++;
    await this.broker.publish({ destination, ...this.toMessage(payload, headers) });
  }

  /**
   * Sends to every session of `user` (a principal's name, or an anonymous session's id) that
   * subscribed to the user destination: `convertAndSendToUser('alice', '/queue/notes', note)`
   * reaches alice's subscriptions to `/user/queue/notes`, on this instance. A user with no session
   * gets nothing, as in Spring.
   */
  async convertAndSendToUser(user: string, destination: string, payload: unknown, headers: Readonly<Record<string, string | number>> = {}): Promise<void> {
    this.requireBrokerDestination(destination);
    await this.userDestinations.sendToUser(user, destination, this.toMessage(payload, headers));
  }

  /** Sends to one session's user destination, e.g. `/queue/notes` → its `/user/queue/notes`. */
  async convertAndSendToSession(sessionId: string, destination: string, payload: unknown, headers: Readonly<Record<string, string | number>> = {}): Promise<void> {
    this.requireBrokerDestination(destination);
    await this.userDestinations.sendToSession(sessionId, destination, this.toMessage(payload, headers));
  }

  private requireBrokerDestination(destination: string): void {
    if (!this.destinations.isBrokerDestination(destination)) {
      throw StompDestinationError.notBrokerDestination(destination, this.destinations.brokerPrefixes);
    }
  }

  private toMessage(payload: unknown, headers: Readonly<Record<string, string | number>>): { headers: Record<string, string>; body: Buffer } {
    const { body, contentType } = this.converter.toMessage(payload);
    return { headers: { 'content-type': contentType, ...messageHeadersOf(headers) }, body };
  }
}
