import { SetMetadata } from '@nestjs/common';
import { SEND_TO_USER_METADATA, type SendToUserMetadata } from '../handlers/handler-metadata.js';

export interface SendToUserOptions {
  /**
   * `true`: every session of the sender's user gets the reply; `false`: only the session that sent
   * the message. Anonymous senders always get it on their own session only. Default `true`.
   */
  readonly broadcast?: boolean;
}

/**
 * Sends a handler's return value to the sender's user destination(s) (Spring's `@SendToUser`):
 * `@SendToUser('/queue/replies')` reaches clients subscribed to `/user/queue/replies`. Without a
 * destination: `/queue` + the mapped destination. `{var}` placeholders are filled from the mapping.
 */
export function SendToUser(...args: Array<string | SendToUserOptions>): ClassDecorator & MethodDecorator {
  const destinations = args.filter((a): a is string => typeof a === 'string');
  const options = args.find((a): a is SendToUserOptions => typeof a === 'object') ?? {};
  const metadata: SendToUserMetadata = { destinations, broadcast: options.broadcast ?? true };
  return SetMetadata(SEND_TO_USER_METADATA, metadata);
}
