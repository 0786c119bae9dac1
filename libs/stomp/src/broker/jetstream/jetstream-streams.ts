import type { JetStreamManager, StreamConfig } from '@nats-io/jetstream';
import type { RetentionSettings } from '../retention/retention.options.js';
import type { JetStreamSettings } from './jetstream-settings.js';

/** Subject namespace of destinations kept by no rule (core NATS, nothing stored). */
export const TRANSIENT_NAMESPACE = 't';
/** Subject namespace of point-to-point queue destinations. */
export const QUEUE_NAMESPACE = 'q';

/** Subject namespace of the destinations retention rule `index` keeps. */
export function ruleNamespace(index: number): string {
  return `r${index}`;
}

const NANOS_PER_MS = 1_000_000;
/**
 * JetStream's duplicate window (2 minutes unless given) may not exceed `max_age`, and an existing
 * stream keeps its window when its age shrinks: the window is set with the age, never longer. (The
 * broker sets no message ids, so the window only has to be valid.)
 */
const DUPLICATE_WINDOW_MS = 2 * 60_000;

/** JetStream counts ages in nanoseconds in a signed 64-bit integer: some 292 years. */
const LONGEST_AGE_MS = 9_000_000_000_000;

function limitsOfAge(maxAgeMs: number): { max_age: number; duplicate_window: number } {
  // An age JetStream cannot count is no limit at all, which JetStream writes 0.
  const max_age = maxAgeMs > LONGEST_AGE_MS ? 0 : maxAgeMs * NANOS_PER_MS;
  return { max_age, duplicate_window: Math.min(maxAgeMs, DUPLICATE_WINDOW_MS) * NANOS_PER_MS };
}

/** One stream this broker needs: its name and the configuration it must have. */
export interface StreamPlan {
  readonly name: string;
  readonly config: Partial<StreamConfig> & { readonly name: string; readonly subjects: string[] };
}

/**
 * The streams for the `retention` rules and the queues. A rule's stream keeps its destinations'
 * subjects, `maxMessages` per destination (JetStream's `max_msgs_per_subject`: one subject is one
 * destination), messages up to `maxAge` old (`max_age`); `maxBytes` bounds the whole stream
 * (`max_bytes`), JetStream having no byte limit per subject. The oldest messages go first. The
 * queue stream is a work queue: a message is kept until a subscriber acknowledges it, at most
 * `queueMaxMessages` per queue and `queueMaxAge` ms. Every stream is stored on file, so it survives
 * a restart of the NATS server.
 */
export function planStreams(rules: readonly RetentionSettings[], settings: JetStreamSettings): StreamPlan[] {
  const plans = rules.map((rule, index): StreamPlan => {
    const name = `${settings.streamPrefix}_R${index}`;
    return {
      name,
      config: {
        name,
        subjects: [`${settings.subjectPrefix}.${ruleNamespace(index)}.>`],
        retention: 'limits',
        storage: 'file',
        discard: 'old',
        max_msgs_per_subject: rule.maxMessages,
        ...limitsOfAge(rule.maxAge),
        max_bytes: rule.maxBytes,
      },
    };
  });
  const queues = `${settings.streamPrefix}_Q`;
  plans.push({
    name: queues,
    config: {
      name: queues,
      subjects: [`${settings.subjectPrefix}.${QUEUE_NAMESPACE}.>`],
      retention: 'workqueue',
      storage: 'file',
      discard: 'old',
      max_msgs_per_subject: settings.queueMaxMessages,
      ...limitsOfAge(settings.queueMaxAge),
    },
  });
  return plans;
}

/**
 * Creates each stream that is missing, and brings an existing one to its planned limits and
 * subjects (another instance, or an earlier version of the options, may have made it). A stream
 * JetStream refuses to change (its retention kind, say) fails with JetStream's reason.
 */
export async function ensureStreams(jsm: JetStreamManager, plans: readonly StreamPlan[]): Promise<void> {
  for (const { name, config } of plans) {
    const existing = await jsm.streams.info(name).catch((error: Error) => {
      if (error.name === 'StreamNotFoundError' || /stream not found/i.test(error.message)) return undefined;
      throw error;
    });
    try {
      if (!existing) await jsm.streams.add(config);
      else if (differs(existing.config as unknown as Record<string, unknown>, config)) await jsm.streams.update(name, config);
    } catch (error) {
      throw new Error(`JetStream refused stream '${name}' (${JSON.stringify(config)}): ${(error as Error).message}`, { cause: error });
    }
  }
}

function differs(existing: Record<string, unknown>, planned: Record<string, unknown>): boolean {
  return Object.entries(planned).some(([key, value]) => JSON.stringify(existing[key]) !== JSON.stringify(value));
}
