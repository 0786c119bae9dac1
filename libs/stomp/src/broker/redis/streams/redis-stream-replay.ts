import type { Redis } from 'ioredis';
import type { BrokerMessage } from '../../message-broker.js';
import type { StreamOffset } from '../../retention/stream-offset.js';
import { fieldOf, retainedMessage, type RawStreamEntry } from './redis-stream-entries.js';
import { offsetOfStreamIdBytes, streamIdAtTime, streamIdOfOffset } from './redis-stream-ids.js';

/** Entries one XRANGE returns: a replay of 10,000 messages takes 10 round trips. */
const PAGE = 1000;

/** Where in a log a subscription starts reading: an id (inclusive), or nothing to replay. */
async function startId(client: Redis, log: string, from: Exclude<StreamOffset, { kind: 'next' }>): Promise<string | undefined> {
  switch (from.kind) {
    case 'first':
      return '-';
    case 'last': {
      const [last] = await client.xrevrange(log, '+', '-', 'COUNT', 1);
      return last?.[0];
    }
    case 'offset':
      return streamIdOfOffset(from.offset);
    case 'timestamp':
      return streamIdAtTime(from.timestamp);
  }
}

/**
 * Reads one destination's log from `from` to its current end, page by page, handing each message
 * (with its `x-stream-offset`) to `deliver` in order. Stops early once `wanted()` says the
 * subscription is gone. What was trimmed before `from` is not there to replay: the log starts at
 * its oldest kept message. The next page is asked for as soon as a full one arrives, before its
 * entries are decoded and delivered, so Redis reads it meanwhile instead of waiting for the round trip.
 */
export async function replayLog(
  client: Redis,
  log: string,
  from: Exclude<StreamOffset, { kind: 'next' }>,
  deliver: (offset: number, message: BrokerMessage) => void,
  wanted: () => boolean,
): Promise<void> {
  const read = (start: string) => {
    const page = client.xrangeBuffer(log, start, '+', 'COUNT', PAGE) as Promise<RawStreamEntry[]>;
    // Awaited below unless a delivery throws first: its failure must not go unhandled then.
    page.catch(() => undefined);
    return page;
  };
  const start = await startId(client, log, from);
  let next = start === undefined ? undefined : read(start);
  while (next && wanted()) {
    const entries = await next;
    // `(id`: the entries after the last one read (exclusive ranges, Redis 6.2 on).
    next = entries.length === PAGE && wanted() ? read(`(${entries[entries.length - 1]![0].toString()}`) : undefined;
    for (const [id, fields] of entries) {
      const encoded = fieldOf(fields, 'm');
      if (!encoded || !wanted()) continue;
      const offset = offsetOfStreamIdBytes(id);
      deliver(offset, retainedMessage(encoded, offset));
    }
  }
}
