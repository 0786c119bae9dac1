import { Inject, Injectable } from '@nestjs/common';
import type { MessageBroker } from '../broker/message-broker.js';
import { StompDestinationError } from '../errors/stomp-destination.error.js';
import { STOMP_BROKER } from '../stomp.constants.js';
import { DestinationResolver } from './destination-resolver.js';
import { MessageConverter } from './message-converter.js';
import { messageHeadersOf } from './message-headers.js';

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
  ) {}

  /**
   * Converts `payload` (Buffer → `application/octet-stream`, string → `text/plain`, anything else →
   * JSON) and publishes it to `destination`, a broker destination. `headers` travel as MESSAGE
   * headers. Resolves once the broker has taken the message; rejects, never drops silently, when it
   * cannot.
   */
  async convertAndSend(destination: string, payload: unknown, headers: Readonly<Record<string, string | number>> = {}): Promise<void> {
    if (!this.destinations.isBrokerDestination(destination)) {
      throw StompDestinationError.notBrokerDestination(destination, this.destinations.brokerPrefixes);
    }
    const { body, contentType } = this.converter.toMessage(payload);
    await this.broker.publish({ destination, headers: { 'content-type': contentType, ...messageHeadersOf(headers) }, body });
  }
}
