import { StompProtocolError } from '../../errors/stomp-protocol.error.js';
import type { StompHeaders } from '../../protocol/stomp-frame.js';
import { truncate } from '../../util/truncate.js';
import type { QueueSettings } from './queue-settings.js';
import { UnacknowledgedMessages } from './unacknowledged-messages.js';

/**
 * The acknowledgement a SUBSCRIBE asks for: `undefined` for `auto` (delivery is the
 * acknowledgement), or what tracks a `client` / `client-individual` subscription's deliveries, up
 * to its `prefetch-count` (RabbitMQ's header; the `prefetchCount` option when absent). A
 * `prefetch-count` is checked whatever the mode, so a typo is found even where it does nothing.
 */
export function subscriptionAck(headers: StompHeaders, settings: Pick<QueueSettings, 'prefetchCount' | 'maxPrefetchCount'>): UnacknowledgedMessages | undefined {
  const given = headers['prefetch-count'];
  const prefetch = given === undefined ? settings.prefetchCount : prefetchCount(given, settings.maxPrefetchCount);
  const mode = headers.ack;
  if (mode !== 'client' && mode !== 'client-individual') return undefined;
  return new UnacknowledgedMessages(mode, prefetch);
}

function prefetchCount(value: string, max: number): number {
  const count = /^[0-9]{1,9}$/.test(value) ? Number(value) : NaN;
  if (!(count >= 1 && count <= max)) {
    throw new StompProtocolError(
      'STOMP_ERR_ILLEGAL_HEADER',
      `Invalid prefetch-count '${truncate(value)}': expected a whole number from 1 to ${max} (option maxPrefetchCount)`,
    );
  }
  return count;
}
