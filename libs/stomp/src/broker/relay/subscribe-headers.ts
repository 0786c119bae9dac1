import type { StompHeaders } from '../../protocol/stomp-frame.js';
import { parseStreamOffset, STREAM_OFFSET_HEADER } from '../retention/stream-offset.js';

/**
 * SUBSCRIBE headers of a client that go along to the broker: acknowledgement mode, credit, and
 * where to start reading a RabbitMQ stream. Queue-shaping ones (`durable`, `auto-delete`,
 * `x-queue-name`...) do not: a client must not create queues that outlive it or attach itself to
 * someone else's.
 */
const PASS_THROUGH = new Set(['ack', 'prefetch-count', STREAM_OFFSET_HEADER]);

/** The queue type of a `/queue/...` (a stream): RabbitMQ refuses a SUBSCRIBE whose type differs from the queue's. */
const QUEUE_TYPE = 'x-queue-type';

/**
 * The headers of a client's SUBSCRIBE to `destination` for the broker. `x-queue-type` passes only to
 * `/queue/...` (where the `clientQueues` rules already admitted the client to create a queue).
 * `x-stream-offset` is checked as on every broker (RabbitMQ silently reads from `next` on a value it
 * does not know); a timestamp with a fraction of a second goes as whole seconds, rounded down
 * (RabbitMQ answers a fraction with `ERROR message:Processing error`), so the subscriber gets that
 * second's earlier messages too, never fewer.
 */
export function relaySubscribeHeaders(destination: string, headers: StompHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in headers) {
    if (PASS_THROUGH.has(name) || (name === QUEUE_TYPE && destination.startsWith('/queue/'))) out[name] = headers[name]!;
  }
  const offset = out[STREAM_OFFSET_HEADER];
  if (offset !== undefined) {
    const parsed = parseStreamOffset(offset);
    if (parsed.kind === 'timestamp') out[STREAM_OFFSET_HEADER] = `timestamp=${Math.floor(parsed.timestamp / 1000)}`;
  }
  return out;
}
