import type { Admin } from '@platformatic/kafka';
import { StompProtocolError } from '../../errors/stomp-protocol.error.js';
import { truncate } from '../../util/truncate.js';
import type { RetentionPolicy } from '../retention/retention-policy.js';

/** A destination's topic as the readers need it: Kafka's id for it and the broker leading its one partition. */
export interface KafkaTopic {
  readonly destination: string;
  readonly name: string;
  readonly id: string;
  leader: number;
}

const TOPIC_ALREADY_EXISTS = 'TOPIC_ALREADY_EXISTS';

/**
 * The topics of the destinations in use, created on first use: one partition each (the order of a
 * destination is the order of its partition, and its offsets are the replay contract's), with the
 * retention of the `retention` rule matching the destination (Kafka's topic defaults when none does).
 * A topic that already exists is used as it is.
 */
export class KafkaTopics {
  private readonly known = new Map<string, Promise<KafkaTopic>>();

  constructor(
    private readonly admin: Admin,
    private readonly retention: RetentionPolicy,
    private readonly replicationFactor: number | undefined,
    /** Most topics remembered (the `maxTopics` option). */
    private readonly maxTopics: number,
    /** Asks the topic's leader for its offsets: throws while the partition is not served yet. */
    private readonly probe: (name: string) => Promise<unknown>,
  ) {}

  /** The topic of `destination` (named `name`), created when missing; rejects when Kafka cannot be reached. */
  ensure(destination: string, name: string): Promise<KafkaTopic> {
    let topic = this.known.get(name);
    if (!topic && this.known.size >= this.maxTopics) {
      return Promise.reject(
        new StompProtocolError(
          'STOMP_ERR_LIMIT',
          `Destination '${truncate(destination)}' refused: this instance uses at most ${this.maxTopics} Kafka topics, one per destination (option broker.maxTopics)`,
        ),
      );
    }
    if (!topic) {
      topic = this.create(destination, name);
      this.known.set(name, topic);
      // A failure is not remembered: the next use tries again.
      topic.catch(() => this.known.delete(name));
    }
    return topic;
  }

  /** Reads each topic's leader again (after a fetch failed: a leader may have moved). */
  async refreshLeaders(topics: readonly KafkaTopic[]): Promise<void> {
    if (topics.length === 0) return;
    const metadata = await this.admin.metadata({ topics: topics.map((topic) => topic.name), forceUpdate: true });
    for (const topic of topics) {
      const leader = metadata.topics.get(topic.name)?.partitions[0]?.leader;
      if (leader !== undefined && leader >= 0) topic.leader = leader;
    }
  }

  private async create(destination: string, name: string): Promise<KafkaTopic> {
    const rule = this.retention.ruleFor(destination);
    const configs = rule
      ? [
          { name: 'retention.ms', value: String(rule.maxAge) },
          { name: 'retention.bytes', value: String(rule.maxBytes) },
        ]
      : [];
    try {
      await this.admin.createTopics({ topics: [name], partitions: 1, replicas: this.replicationFactor ?? -1, configs });
    } catch (error) {
      if (!hasErrorCode(error, TOPIC_ALREADY_EXISTS)) throw error;
    }
    // A topic just created may have no leader for a moment, then a leader that does not serve it yet.
    let lastError: unknown;
    for (let attempt = 0; attempt < 50; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 100));
      const metadata = await this.admin.metadata({ topics: [name], forceUpdate: true });
      const topic = metadata.topics.get(name);
      const leader = topic?.partitions[0]?.leader;
      if (!topic || leader === undefined || leader < 0) continue;
      try {
        await this.probe(name);
        return { destination, name, id: topic.id, leader };
      } catch (error) {
        lastError = error;
      }
    }
    throw new Error(`Kafka topic '${name}' is not served by a leader after 5 s${lastError ? ` (${(lastError as Error).message})` : ''}`);
  }
}

/** Whether a Kafka client error (or one it aggregates) carries Kafka's error `code`. */
export function hasErrorCode(error: unknown, code: string): boolean {
  const found = (error as { findBy?: (key: string, value: string) => unknown } | undefined)?.findBy?.('apiId', code);
  if (found) return true;
  const errors = (error as { errors?: unknown[] } | undefined)?.errors;
  return Array.isArray(errors) && errors.some((inner) => (inner as { apiId?: string }).apiId === code || hasErrorCode(inner, code));
}
