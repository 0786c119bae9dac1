import type { Consumer } from '@platformatic/kafka';
import type { MessageFrameTemplate } from '../../protocol/message-frame-template.js';
import { templateOf, type KafkaRecordRead } from './kafka-record.js';
import { hasErrorCode, type KafkaTopic } from './kafka-topics.js';

/** One reader of a topic at its own position: a subscription, or the cluster channel. */
export interface LogReader {
  /** Offset of the next record this reader is to get. */
  next: bigint;
  /** Set when the reader is removed: a batch being delivered skips it. */
  removed?: boolean;
  receive(record: KafkaRecordRead, template: () => MessageFrameTemplate, topic: KafkaTopic): void;
}

/** How the fetch loop reports Kafka's state, and what it needs of the broker. */
export interface FanOutHooks {
  /** A fetch succeeded (`true`) or failed (`false`, with why). */
  fetched(ok: boolean, error?: unknown): void;
  /** Reads the leaders of these topics again, after a failed fetch. */
  refreshLeaders(topics: readonly KafkaTopic[]): Promise<void>;
  /** The first and the next offset of a topic, to put readers back in range. */
  bounds(topic: KafkaTopic): Promise<{ first: bigint; end: bigint }>;
  /** Delay before fetching again after `attempt` failures in a row. */
  retryDelay(attempt: number): number;
}

const OFFSET_OUT_OF_RANGE = 'OFFSET_OUT_OF_RANGE';
const IS_CONTROL = 0b100000;

/**
 * The `/topic` side of the Kafka broker: one fetch loop per instance reads every topic that one of
 * its readers follows, from the lowest position among them, and hands each record to each reader
 * whose position it is. So every instance reads every message of the topics its clients subscribe
 * to (fan-out), each subscription at its own offset (replay), with one request per leader whatever
 * the number of subscriptions. Records a reader already had are skipped for it.
 */
export class KafkaFanOut {
  private readonly logs = new Map<string, { readonly topic: KafkaTopic; readonly readers: Set<LogReader> }>();
  private closed = false;
  private wake: (() => void) | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly fetcher: Consumer,
    private readonly settings: { readonly fetchMaxWait: number },
    private readonly hooks: FanOutHooks,
  ) {}

  start(): void {
    this.running ??= this.run();
  }

  add(topic: KafkaTopic, reader: LogReader): void {
    let log = this.logs.get(topic.name);
    if (!log) {
      log = { topic, readers: new Set() };
      this.logs.set(topic.name, log);
    }
    log.readers.add(reader);
    this.wake?.();
  }

  remove(topic: string, reader: LogReader): void {
    reader.removed = true;
    const log = this.logs.get(topic);
    if (!log) return;
    log.readers.delete(reader);
    if (log.readers.size === 0) this.logs.delete(topic);
  }

  /** Stops the loop; resolves once the fetch in flight has returned. */
  async close(): Promise<void> {
    this.closed = true;
    this.wake?.();
    await this.running;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.closed) {
      const logs = [...this.logs.values()];
      if (logs.length === 0) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = undefined;
        continue;
      }
      try {
        await this.fetchAll(logs);
        failures = 0;
        if (!this.closed) this.hooks.fetched(true);
      } catch (error) {
        if (this.closed) return;
        if (hasErrorCode(error, OFFSET_OUT_OF_RANGE)) {
          // Retention removed what a reader was to read next (or it asked beyond the end).
          await this.putInRange(logs).catch(() => undefined);
          continue;
        }
        failures++;
        // Kafka answered, with an error about a topic (one just created that a broker does not know
        // yet, a leader that moved): it is there all the same, the fetch is tried again.
        if (!kafkaAnswered(error)) this.hooks.fetched(false, error);
        await this.pause(this.hooks.retryDelay(failures));
        await this.hooks.refreshLeaders(logs.map((log) => log.topic)).catch(() => undefined);
      }
    }
  }

  private async fetchAll(logs: readonly { readonly topic: KafkaTopic; readonly readers: Set<LogReader> }[]): Promise<void> {
    const byLeader = new Map<number, { topic: KafkaTopic; from: bigint }[]>();
    for (const { topic, readers } of logs) {
      let from: bigint | undefined;
      for (const reader of readers) if (from === undefined || reader.next < from) from = reader.next;
      if (from === undefined) continue;
      const group = byLeader.get(topic.leader) ?? [];
      group.push({ topic, from });
      byLeader.set(topic.leader, group);
    }
    await Promise.all(
      [...byLeader].map(async ([leader, requests]) => {
        const response = await this.fetcher.fetch({
          node: leader,
          maxWaitTime: this.settings.fetchMaxWait,
          topics: requests.map(({ topic, from }) => ({
            topicId: topic.id,
            partitions: [{ partition: 0, fetchOffset: from, currentLeaderEpoch: -1, lastFetchedEpoch: -1, partitionMaxBytes: 1024 * 1024 }],
          })),
        });
        if (this.closed) return;
        for (const topicResponse of response.responses) {
          const request = requests.find((candidate) => candidate.topic.id === topicResponse.topicId);
          if (!request) continue;
          for (const partition of topicResponse.partitions) this.deliver(request.topic, request.from, partition.records ?? []);
        }
      }),
    );
  }

  /** Hands each record of the batches fetched from `from` on to the readers at its offset. */
  private deliver(topic: KafkaTopic, from: bigint, batches: readonly KafkaBatch[]): void {
    const log = this.logs.get(topic.name);
    if (!log) return;
    // A reader added while the fetch was in flight may start before `from`: it waits for the next round.
    const readers = [...log.readers].filter((reader) => reader.next >= from);
    for (const batch of batches) {
      if (!(batch.attributes & IS_CONTROL)) {
        for (const record of batch.records) {
          const offset = batch.firstOffset + BigInt(record.offsetDelta);
          let template: MessageFrameTemplate | undefined;
          const read: KafkaRecordRead = { offset, headers: record.headers, value: record.value };
          const once = () => (template ??= templateOf(topic.destination, read));
          for (const reader of readers) {
            if (reader.removed || reader.next > offset) continue;
            reader.next = offset + 1n;
            reader.receive(read, once, topic);
          }
        }
      }
      // Offsets a batch skips (transaction markers, compaction) are passed over too.
      const after = batch.firstOffset + BigInt(batch.lastOffsetDelta) + 1n;
      for (const reader of readers) if (reader.next < after) reader.next = after;
    }
  }

  private async putInRange(logs: readonly { readonly topic: KafkaTopic; readonly readers: Set<LogReader> }[]): Promise<void> {
    for (const { topic, readers } of logs) {
      const { first, end } = await this.hooks.bounds(topic);
      for (const reader of readers) {
        if (reader.next < first) reader.next = first;
        else if (reader.next > end) reader.next = end;
      }
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    }).finally(() => (this.wake = undefined));
  }
}

/** The part of a fetched record batch the loop reads. */
interface KafkaBatch {
  readonly firstOffset: bigint;
  readonly lastOffsetDelta: number;
  readonly attributes: number;
  readonly records: readonly { readonly offsetDelta: number; readonly headers: [Buffer | null, Buffer | null][]; readonly value: Buffer | null }[];
}

/** Whether a client error is Kafka's answer (a response with error codes) rather than no answer (network, time-out). */
function kafkaAnswered(error: unknown): boolean {
  const code = (error as { code?: string } | undefined)?.code;
  if (code === 'PLT_KFK_RESPONSE' || code === 'PLT_KFK_PROTOCOL') return true;
  const errors = (error as { errors?: unknown[] } | undefined)?.errors;
  return Array.isArray(errors) && errors.length > 0 && errors.every(kafkaAnswered);
}
