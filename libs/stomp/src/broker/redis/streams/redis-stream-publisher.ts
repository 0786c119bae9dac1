import type { Redis } from 'ioredis';
import type { BrokerMessage } from '../../message-broker.js';
import type { RetentionSettings } from '../../retention/retention.options.js';
import { encodeRedisMessage } from '../redis-message-codec.js';
import { SEQUENCES_PER_MS, type RedisStreamKeys } from './redis-stream-ids.js';

/**
 * Appends one message to its destination's log and to the feed, atomically (one script: the feed's
 * order is the logs' order), giving the log entry an id whose sequence stays below
 * SEQUENCES_PER_MS (see redis-stream-ids.ts). The log is trimmed to `maxMessages` and `maxAge`, and
 * expires with its last-id key after `maxAge` of silence, so idle destinations leave no keys behind.
 * Trimming is approximate (`~`, whole stream nodes): Redis may keep a few dozen entries more.
 *
 * Feed entries are numbered (the feed count), so a reader back from an outage can tell how many
 * were trimmed before it could read them.
 *
 * KEYS: log, last id, feed, feed count. ARGV: message, maxMessages, maxAge, feed maxMessages, feed maxAge.
 */
const APPEND = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local ms, seq = now, 0
local last = redis.call('GET', KEYS[2])
if last then
  local dash = string.find(last, '-', 1, true)
  local lastMs, lastSeq = tonumber(string.sub(last, 1, dash - 1)), tonumber(string.sub(last, dash + 1))
  if ms <= lastMs then
    ms, seq = lastMs, lastSeq + 1
    if seq >= ${SEQUENCES_PER_MS} then ms, seq = lastMs + 1, 0 end
  end
end
local id = string.format('%.0f-%d', ms, seq)
redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], id, 'm', ARGV[1])
redis.call('XTRIM', KEYS[1], 'MINID', '~', string.format('%.0f', now - tonumber(ARGV[3])))
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('SET', KEYS[2], id, 'PX', ARGV[3])
local n = redis.call('INCR', KEYS[4])
redis.call('PEXPIRE', KEYS[4], ARGV[5])
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[4], '*', 'o', id, 'n', n, 'm', ARGV[1])
redis.call('XTRIM', KEYS[3], 'MINID', '~', string.format('%.0f', now - tonumber(ARGV[5])))
return id
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

const COMMAND = 'nestStompStreamAppend';
type Appending = Redis & { [COMMAND](log: string, lastId: string, feed: string, feedCount: string, ...args: Array<Buffer | number>): Promise<string> };

/** XADDs retained messages (see APPEND). */
export class RedisStreamPublisher {
  constructor(
    private readonly keys: RedisStreamKeys,
    private readonly feed: FeedLimits,
  ) {}

  /** Makes `client` able to append: once per connection object (ioredis loads the script on first use). */
  static prepare(client: Redis): void {
    if (!(COMMAND in client)) client.defineCommand(COMMAND, { numberOfKeys: 4, lua: APPEND });
  }

  /** Resolves with the message's stream id once Redis stored it. */
  append(client: Redis, message: BrokerMessage, rule: RetentionSettings): Promise<string> {
    const { keys, feed } = this;
    return (client as Appending)[COMMAND](
      keys.log(message.destination),
      keys.lastId(message.destination),
      keys.feed,
      keys.feedCount,
      encodeRedisMessage(message),
      rule.maxMessages,
      rule.maxAge,
      feed.maxMessages,
      feed.maxAge,
    );
  }
}
