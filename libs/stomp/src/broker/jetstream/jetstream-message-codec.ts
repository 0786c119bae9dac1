import type { BrokerMessage } from '../message-broker.js';
// The Redis broker's binary format (destination, headers, body) serves as well as a NATS payload.
import { decodeRedisMessage, encodeRedisMessage } from '../redis/redis-message-codec.js';
import { STREAM_OFFSET_HEADER } from '../retention/stream-offset.js';

/** Headers this broker writes itself: a publisher's own would pass for the broker's (a forged offset, a false redelivery). */
const BROKER_HEADERS = [STREAM_OFFSET_HEADER, 'redelivered'];

/** A message's NATS payload, without the headers only the broker may write. */
export function encodeNatsMessage(message: BrokerMessage): Buffer {
  if (!BROKER_HEADERS.some((name) => name in message.headers)) return encodeRedisMessage(message);
  const headers = { ...message.headers };
  for (const name of BROKER_HEADERS) delete headers[name];
  return encodeRedisMessage({ ...message, headers });
}

/** Reads what {@link encodeNatsMessage} wrote; throws on anything else. */
export function decodeNatsMessage(data: Buffer): BrokerMessage {
  return decodeRedisMessage(data);
}
