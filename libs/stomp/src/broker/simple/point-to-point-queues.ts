import { CountedLog } from '../../util/counted-log.js';
import type { HeldBytes } from './held-bytes.js';
import type { HeldMessage } from './held-message.js';
import { PointToPointQueue, type QueueOutlet } from './point-to-point-queue.js';
import type { QueueSettings } from './queue-settings.js';
import type { Subscription } from './subscription-state.js';

/**
 * The embedded broker's point-to-point queues, one per destination under a `queuePrefixes`
 * prefix, made on first use and forgotten once they have neither consumers nor messages. Also
 * makes the backlogs of client-acknowledged topic subscriptions. Drops are logged as one line,
 * then one summary line per minute while they go on, never one line per message.
 */
export class PointToPointQueues {
  private readonly queues = new Map<string, PointToPointQueue>();
  private readonly drops: CountedLog;
  private readonly outlet: QueueOutlet;

  constructor(
    private readonly settings: QueueSettings,
    private readonly held: HeldBytes,
    deliver: (subscription: Subscription, message: HeldMessage) => void,
    warn: (line: string) => void,
  ) {
    this.drops = new CountedLog(warn, 'queued messages dropped');
    this.outlet = {
      deliver,
      dropped: (destination, why) => this.drops.count(why, () => `Dropped a message for '${destination}': ${why}`),
    };
  }

  /** Number of queues the broker holds (with consumers, or with messages waiting). */
  get size(): number {
    return this.queues.size;
  }

  isQueue(destination: string): boolean {
    for (const prefix of this.settings.queuePrefixes) if (destination.startsWith(prefix)) return true;
    return false;
  }

  /** Messages waiting in the queue of `destination` (0 when there is none). */
  waitingAt(destination: string): number {
    return this.queues.get(destination)?.waitingCount ?? 0;
  }

  publish(destination: string, message: HeldMessage): void {
    const queue = this.queueAt(destination);
    try {
      queue.offer(message);
    } finally {
      this.forgetIfIdle(queue);
    }
  }

  /** `subscription` becomes a consumer of its destination's queue, and gets what waits there. */
  consume(subscription: Subscription): void {
    const queue = this.queueAt(subscription.destination);
    subscription.queue = queue;
    queue.addConsumer(subscription);
  }

  /** A consumer leaves; its unacknowledged messages go back to the queue for the others, marked redelivered. */
  leave(subscription: Subscription, unacknowledged: readonly HeldMessage[]): void {
    // A queue with consumers is never forgotten: this is the one the subscription joined.
    const queue = this.queues.get(subscription.destination)!;
    queue.removeConsumer(subscription);
    queue.requeue(unacknowledged.map((message) => message.redelivery()));
    this.forgetIfIdle(queue);
  }

  /**
   * Where the messages of a client-acknowledged topic subscription wait while it is past its
   * prefetch: a queue of its own. It drops its oldest message when full whatever `queueOverflow`
   * says: one slow subscriber must not make a topic refuse its publishers.
   */
  backlogFor(subscription: Subscription): PointToPointQueue {
    const backlog = new PointToPointQueue(
      subscription.destination,
      { maxQueuedMessages: this.settings.maxQueuedMessages, queueOverflow: 'drop-head' },
      this.held,
      this.outlet,
    );
    subscription.queue = backlog;
    backlog.addConsumer(subscription);
    return backlog;
  }

  close(): void {
    this.drops.close();
  }

  private queueAt(destination: string): PointToPointQueue {
    let queue = this.queues.get(destination);
    if (!queue) this.queues.set(destination, (queue = new PointToPointQueue(destination, this.settings, this.held, this.outlet)));
    return queue;
  }

  private forgetIfIdle(queue: PointToPointQueue): void {
    if (queue.isIdle && this.queues.get(queue.destination) === queue) this.queues.delete(queue.destination);
  }
}
