import { SetMetadata } from '@nestjs/common';
import type { StompEventType } from '../events/stomp-event.js';
import { ON_STOMP_EVENT_METADATA } from '../handlers/handler-metadata.js';

/**
 * Calls the method with every STOMP event of these types (Spring's `@EventListener` on
 * `SessionConnectedEvent`, `SessionDisconnectEvent`...). A listener that throws or rejects is
 * logged; it never affects the session.
 *
 * @example
 * @OnStompEvent('disconnect')
 * left({ session, reason }: StompEvent & { type: 'disconnect' }) { ... }
 */
export const OnStompEvent = (...types: StompEventType[]): MethodDecorator => SetMetadata(ON_STOMP_EVENT_METADATA, types);
