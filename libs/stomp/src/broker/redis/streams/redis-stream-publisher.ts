import type { Redis } from 'ioredis';
import type { BrokerMessage } from '../../message-broker.js';
import type { RetentionSettings } from '../../retention/retention.options.js';
import { encodeRedisMessage } from '../redis-message-codec.js';
import { SEQUENCES_PER_MS, type RedisStreamKeys } from './redis-stream-ids.js';

/**
 * Appends messages, in order, to their destinations' logs and to the feed, atomically (one script:
 * the feed's order is the logs' order), giving each log entry an id whose sequence stays below
 * SEQUENCES_PER_MS (see redis-stream-ids.ts). Each log is trimmed to `maxMessages` and `maxAge`, and
 * expires with its last-id key after `maxAge` of silence, so idle destinations leave no keys behind.
 * Trimming is approximate (`~`, whole stream nodes): Redis may keep a few dozen entries more.
 *
 * One call carries every message of a batch (see RedisStreamPublisher): the destinations' keys and
 * limits once, then each message with the number of its destination. The trims, expiries and
 * last ids are set once per destination per call, after its entries.
 *
 * Feed entries are numbered (the feed count), so a reader back from an outage can tell how many
 * were trimmed before it could read them. The count is raised first, by the whole batch: a call
 * refused at its first write (out of memory) leaves nothing behind.
 *
 * KEYS: feed, feed count, then per destination its log and last id.
 * ARGV: feed maxMessages, feed maxAge, then per destination maxMessages and maxAge, then per
 * message its destination's number (from 1) and the message. Returns the number of entries added.
 */
const APPEND = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local destinations = (#KEYS - 2) / 2
local first = 3 + 2 * destinations
local count = (#ARGV - first + 1) / 2
local number = redis.call('INCRBY', KEYS[2], count) - count
redis.call('PEXPIRE', KEYS[2], ARGV[2])
local lastMs, lastSeq = {}, {}
for d = 1, destinations do
  lastMs[d], lastSeq[d] = -1, 0
  local last = redis.call('GET', KEYS[2 + 2 * d])
  if last then
    local dash = string.find(last, '-', 1, true)
    lastMs[d], lastSeq[d] = tonumber(string.sub(last, 1, dash - 1)), tonumber(string.sub(last, dash + 1))
  end
end
for i = first, #ARGV, 2 do
  local d = tonumber(ARGV[i])
  local ms, seq = lastMs[d], lastSeq[d] + 1
  if now > ms then
    ms, seq = now, 0
  elseif seq >= ${SEQUENCES_PER_MS} then
    ms, seq = ms + 1, 0
  end
  lastMs[d], lastSeq[d] = ms, seq
  local id = string.format('%.0f-%d', ms, seq)
  redis.call('XADD', KEYS[1 + 2 * d], id, 'm', ARGV[i + 1])
  number = number + 1
  redis.call('XADD', KEYS[1], '*', 'o', id, 'n', number, 'm', ARGV[i + 1])
end
for d = 1, destinations do
  local log, maxAge = KEYS[1 + 2 * d], ARGV[2 + 2 * d]
  redis.call('XTRIM', log, 'MAXLEN', '~', ARGV[1 + 2 * d])
  redis.call('XTRIM', log, 'MINID', '~', string.format('%.0f', now - tonumber(maxAge)))
  redis.call('PEXPIRE', log, maxAge)
  redis.call('SET', KEYS[2 + 2 * d], string.format('%.0f-%d', lastMs[d], lastSeq[d]), 'PX', maxAge)
end
redis.call('XTRIM', KEYS[1], 'MAXLEN', '~', ARGV[1])
redis.call('XTRIM', KEYS[1], 'MINID', '~', string.format('%.0f', now - tonumber(ARGV[2])))
return count
`;

/** The limits of the feed: as long, and as many messages, as the most generous rule keeps. */
export interface FeedLimits {
  readonly maxMessages: number;
  readonly maxAge: number;
}

export function feedLimits(rules: readonly RetentionSettings[]): FeedLimits {
  return {
    maxMessages: Math.max(1, ...rules.map((rule) => rule.maxMessages)),
    maxAge: Math.max(1, ...rules.map((rule) => rule.maxAge)),
  };
}

/**
 * Most messages one script call carries: a batch larger than this (a burst of SENDs decoded in one
 * turn) goes as several calls, so one call does not hold Redis, which runs scripts one at a time,
 * for long.
 */
export const MAX_MESSAGES_PER_CALL = 256;

const COMMAND = 'nestStompStreamAppendBatch';
type Appending = Redis & { [COMMAND](numberOfKeys: number, ...keysAndArgs: Array<string | Buffer | number>): Promise<number> };

interface Pending {
  readonly message: BrokerMessage;
  readonly rule: RetentionSettings;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * XADDs retained messages (see APPEND), those of one turn together. A turn that decodes several
 * SENDs (a publisher's chunk often holds many) would otherwise make a Redis command, a socket write
 * and a script run of each; appends queued during the turn go as one call from a `process.nextTick`
 * (after the turn's promise continuations, like the sessions' batched writes). Each append still
 * resolves only once Redis stored its message, and the order of the appends is the order of the
 * entries, per destination and in the feed.
 */
export class RedisStreamPublisher {
  private queued: Pending[] = [];
  private scheduled = false;
  private readonly flush = (): void => {
    this.scheduled = false;
    const queued = this.queued;
    this.queued = [];
    for (let start = 0; start < queued.length; start += MAX_MESSAGES_PER_CALL) this.send(queued.slice(start, start + MAX_MESSAGES_PER_CALL));
  };

  constructor(
    private readonly keys: RedisStreamKeys,
    private readonly feed: FeedLimits,
    /** The connection's client: appends are written to it in the order they were made. */
    private readonly client: Redis,
  ) {
    if (!(COMMAND in client)) client.defineCommand(COMMAND, { lua: APPEND });
  }

  /** Resolves once Redis stored the message; rejects with Redis's (or ioredis's) error when it could not. */
  append(message: BrokerMessage, rule: RetentionSettings): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queued.push({ message, rule, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        process.nextTick(this.flush);
      }
    });
  }

  /** One script call for `batch`: each destination's keys and limits once, then the messages. */
  private send(batch: readonly Pending[]): void {
    const { keys, feed } = this;
    const numbers = new Map<string, number>();
    const keyArgs: string[] = [keys.feed, keys.feedCount];
    const limits: number[] = [feed.maxMessages, feed.maxAge];
    const messages: Array<number | Buffer> = [];
    for (const { message, rule } of batch) {
      let number = numbers.get(message.destination);
      if (number === undefined) {
        numbers.set(message.destination, (number = numbers.size + 1));
        keyArgs.push(keys.log(message.destination), keys.lastId(message.destination));
        limits.push(rule.maxMessages, rule.maxAge);
      }
      messages.push(number, encodeRedisMessage(message));
    }
    (this.client as Appending)[COMMAND](keyArgs.length, ...keyArgs, ...limits, ...messages).then(
      () => {
        for (const pending of batch) pending.resolve();
      },
      (error: unknown) => {
        for (const pending of batch) pending.reject(error);
      },
    );
  }
}
