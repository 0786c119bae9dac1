import type { BrokerSubscriber } from '../message-broker.js';
import type { HeldMessage } from './held-message.js';
import type { UnacknowledgedMessages } from './unacknowledged-messages.js';

/** Where a subscription's messages wait while it is not ready: a `PointToPointQueue`, seen from the subscription. */
export interface WaitingMessages {
  /** A new message: delivered now if a consumer is ready, else kept (within the limits). */
  offer(message: HeldMessage): void;
  /** Messages given back: first in line, in their order. */
  requeue(messages: readonly HeldMessage[]): void;
  /** Delivers what waits while a consumer is ready. */
  drain(): void;
  /** Drops everything waiting. */
  clear(): void;
}

/** One subscription at the embedded broker. */
export interface Subscription {
  readonly subscriber: BrokerSubscriber;
  readonly id: string;
  readonly destination: string;
  /** Counted against the pattern budgets. */
  readonly isPattern: boolean;
  /** A consumer of the destination's point-to-point queue (under a `queuePrefixes` prefix). */
  readonly isQueueConsumer: boolean;
  /** `client` / `client-individual` subscriptions: the deliveries awaiting ACK. `undefined`: `auto`. */
  readonly unacknowledged: UnacknowledgedMessages | undefined;
  /**
   * Where messages wait while the subscription is not ready: the point-to-point queue it consumes,
   * or, for a client-acknowledged topic subscription, a backlog of its own. `undefined` for an
   * `auto` topic subscription, which is always ready (the fan-out's fast path).
   */
  queue: WaitingMessages | undefined;
}

/** Whether a message can go to `subscription` now: its session is open and it is under its prefetch. */
export function isReady(subscription: Subscription): boolean {
  return !subscription.subscriber.isClosed && (subscription.unacknowledged?.ready ?? true);
}
