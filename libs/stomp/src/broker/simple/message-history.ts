import { StompProtocolError } from '../../errors/stomp-protocol.error.js';
import { MessageFrameTemplate } from '../../protocol/message-frame-template.js';
import type { BrokerMessage } from '../message-broker.js';
import { MemoryLog } from '../retention/memory-log.js';
import type { RetentionPolicy } from '../retention/retention-policy.js';
import { parseStreamOffset, STREAM_OFFSET_HEADER } from '../retention/stream-offset.js';

/**
 * The embedded broker's history (README "Durable messaging and replay"): a {@link MemoryLog} per
 * destination the `retention` rules keep, each bounded by its rule, and all of them together by
 * `maxTotalBytes`: past it the least recently written destination loses its oldest messages first,
 * so destinations matched by a pattern cannot add up without bound. A log whose messages are all
 * gone is forgotten; expired messages are dropped when their destination is written or read, and
 * each write also sweeps the least recently written destination, so quiet ones empty out too.
 *
 * Offsets increase by one per message of a destination and start, for each new log, above every
 * offset this broker gave before and at the current time in microseconds: a client that resumes
 * with an offset from before a restart of the application reads the new process's messages
 * instead of waiting for offsets it already saw.
 */
export class MessageHistory {
  /** Least recently written first: a Map keeps insertion order, and a write re-inserts its log. */
  private readonly logs = new Map<string, MemoryLog>();
  private totalBytes = 0;
  private lastOffset = 0;

  constructor(
    private readonly policy: RetentionPolicy,
    private readonly maxTotalBytes: number,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Whether a `retention` rule keeps `destination`. */
  retains(destination: string): boolean {
    return this.policy.ruleFor(destination) !== undefined;
  }

  /** Bytes kept across all destinations. */
  get bytes(): number {
    return this.totalBytes;
  }

  /** Messages kept for `destination`. */
  sizeOf(destination: string): number {
    return this.logs.get(destination)?.size ?? 0;
  }

  /**
   * Keeps a message of a retained destination: the template its subscribers get, whose headers carry
   * its `x-stream-offset`; `undefined` when no rule retains the destination.
   */
  record(message: BrokerMessage): MessageFrameTemplate | undefined {
    const now = this.clock();
    const log = this.logs.get(message.destination) ?? this.open(message.destination);
    if (!log) return undefined;
    this.logs.delete(message.destination);
    this.logs.set(message.destination, log);
    const entry = this.change(message.destination, log, () => log.append(message.headers, message.body, STREAM_OFFSET_HEADER, now));
    this.lastOffset = entry.offset;
    this.sweepQuietest(now);
    this.keepWithinTotal();
    return MessageFrameTemplate.forMessage({ destination: message.destination, headers: entry.headers, body: entry.body });
  }

  /**
   * What a new subscription to `destination` reads before live messages, from its SUBSCRIBE's
   * `x-stream-offset` value: nothing for `next`, for a destination not retained or not written yet.
   * A bad value, or a replay asked of a pattern (whose destinations each have offsets of their
   * own), is a {@link StompProtocolError}.
   */
  replay(destination: string, offsetHeader: string | undefined, isPattern: boolean): MessageFrameTemplate[] {
    const start = parseStreamOffset(offsetHeader);
    if (start.kind === 'next') return [];
    if (isPattern) {
      throw new StompProtocolError(
        'STOMP_ERR_BAD_STREAM_OFFSET',
        `${STREAM_OFFSET_HEADER} '${offsetHeader}' replays one destination, and '${destination}' is a pattern: subscribe to each retained destination with its own ${STREAM_OFFSET_HEADER}`,
      );
    }
    const log = this.logs.get(destination);
    if (!log) return [];
    const entries = this.change(destination, log, () => log.readFrom(start, this.clock()));
    return entries.map((entry) => MessageFrameTemplate.forMessage({ destination, headers: entry.headers, body: entry.body }));
  }

  private open(destination: string): MemoryLog | undefined {
    const rule = this.policy.ruleFor(destination);
    if (!rule) return undefined;
    return new MemoryLog(rule, Math.max(this.lastOffset + 1, Math.floor(this.clock() * 1000)));
  }

  /** Runs something that may shrink or grow `log`, keeping the total in step and forgetting the log once empty. */
  private change<T>(destination: string, log: MemoryLog, action: () => T): T {
    const before = log.bytes;
    const result = action();
    this.totalBytes += log.bytes - before;
    if (log.size === 0) this.logs.delete(destination);
    return result;
  }

  private sweepQuietest(now: number): void {
    const [destination, log] = this.logs.entries().next().value ?? [];
    if (destination !== undefined && log) this.change(destination, log, () => log.dropExpired(now));
  }

  private keepWithinTotal(): void {
    while (this.totalBytes > this.maxTotalBytes) {
      const [destination, log] = this.logs.entries().next().value!;
      this.change(destination, log, () => log.evictOldest());
    }
  }
}
