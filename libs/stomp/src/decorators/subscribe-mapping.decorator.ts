import { SetMetadata } from '@nestjs/common';
import { SUBSCRIBE_MAPPING_METADATA } from '../handlers/handler-metadata.js';

/**
 * Runs a method when a client SUBSCRIBEs to an application destination (Spring's
 * `@SubscribeMapping`), e.g. to hand it initial data. The return value goes once, straight to that
 * subscriber (`destination` = the subscribed destination, `subscription` = its id), unless
 * `@SendTo`/`@SendToUser` route it to the broker. Nothing stays subscribed at the broker.
 *
 * @example
 * @SubscribeMapping('/rooms')
 * rooms(): Room[] { return this.rooms.all(); }   // client: subscribe('/app/rooms', ...)
 */
export const SubscribeMapping = (...destinations: string[]): ClassDecorator & MethodDecorator =>
  SetMetadata(SUBSCRIBE_MAPPING_METADATA, destinations.length > 0 ? destinations : ['']);
