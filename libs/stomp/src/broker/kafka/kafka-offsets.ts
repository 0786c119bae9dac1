import type { Consumer } from '@platformatic/kafka';
import type { StreamOffset } from '../retention/stream-offset.js';
import type { KafkaTopic } from './kafka-topics.js';

/** The client that answers questions about offsets: the broker's `offsets` consumer. */
type OffsetsClient = Consumer<Buffer, Buffer, Buffer, Buffer>;

/** The offsets a topic holds: its first record still kept, and the offset its next record will get. */
export interface TopicBounds {
  readonly first: bigint;
  readonly end: bigint;
}

export async function topicBounds(offsets: OffsetsClient, topic: KafkaTopic): Promise<TopicBounds> {
  const [first, end] = await Promise.all([offsets.listOffsets({ topics: [topic.name], timestamp: -2n }), offsets.listOffsets({ topics: [topic.name] })]);
  return { first: first.get(topic.name)?.[0] ?? 0n, end: end.get(topic.name)?.[0] ?? 0n };
}

/** The offset of the topic's first record stored at or after `timestamp` (ms since the epoch); `undefined` when none is. */
export async function offsetAtTimestamp(offsets: OffsetsClient, topic: KafkaTopic, timestamp: number): Promise<bigint | undefined> {
  const found = await offsets.listOffsets({ topics: [topic.name], timestamp: BigInt(timestamp) });
  const offset = found.get(topic.name)?.[0] ?? -1n;
  return offset < 0n ? undefined : offset;
}

/**
 * The offset a `/topic` subscription whose `x-stream-offset` is `start` reads first, within what the
 * topic holds: an offset outside `bounds` is moved to the nearer bound, and a timestamp no record
 * reaches yet starts at the end. `offsetAt` looks a timestamp up (asked only for a `timestamp` start).
 */
export async function startOffset(start: StreamOffset, { first, end }: TopicBounds, offsetAt: (timestamp: number) => Promise<bigint | undefined>): Promise<bigint> {
  switch (start.kind) {
    case 'next':
      return end;
    case 'first':
      return first;
    case 'last':
      return end > first ? end - 1n : first;
    case 'offset': {
      const offset = BigInt(start.offset);
      return offset < first ? first : offset > end ? end : offset;
    }
    case 'timestamp':
      return (await offsetAt(start.timestamp)) ?? end;
  }
}
