import { SetMetadata } from '@nestjs/common';
import { SEND_TO_METADATA } from '../handlers/handler-metadata.js';

/**
 * Sends a handler's return value to these broker destinations (Spring's `@SendTo`). `{var}`
 * placeholders are filled from the mapping's destination variables. On a class, it applies to
 * every handler without one of its own. Without `@SendTo`, the value goes to the default
 * destination: `defaultDestinationPrefix` + the mapped destination (`/topic/chat.send`).
 */
export const SendTo = (...destinations: string[]): ClassDecorator & MethodDecorator =>
  SetMetadata(SEND_TO_METADATA, destinations);
