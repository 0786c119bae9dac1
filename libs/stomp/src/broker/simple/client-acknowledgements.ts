import { StompProtocolError } from '../../errors/stomp-protocol.error.js';
import type { StompHeaders } from '../../protocol/stomp-frame.js';
import { MessageIds } from '../../util/message-ids.js';
import { truncate } from '../../util/truncate.js';
import type { BrokerSubscriber } from '../message-broker.js';
import type { HeldBytes } from './held-bytes.js';
import type { HeldMessage } from './held-message.js';
import type { Subscription } from './subscription-state.js';

/** What an ACK or NACK settled. */
export interface Settlement {
  readonly subscription: Subscription;
  /** In delivery order. */
  readonly messages: readonly HeldMessage[];
}

/**
 * The client-acknowledged deliveries of every session. Each gets a `message-id` of its own, also
 * its `ack` id: STOMP 1.2 clients acknowledge by `ack` (the `id` of their ACK), 1.0/1.1 clients by
 * `message-id`, so both name the same thing. An ACK/NACK is found by its session and id in one
 * lookup; what it settles leaves the byte budget it was counted in.
 */
export class ClientAcknowledgements {
  private readonly ackIds = new MessageIds('a');
  private readonly bySubscriber = new Map<BrokerSubscriber, Map<string, Subscription>>();

  constructor(private readonly held: HeldBytes) {}

  /** Writes `message` to a client-acknowledged `subscription` and remembers it until settled. */
  deliver(subscription: Subscription, message: HeldMessage): void {
    const ackId = this.ackIds.next();
    subscription.unacknowledged!.add(ackId, message);
    this.held.add(message.size);
    let pending = this.bySubscriber.get(subscription.subscriber);
    if (!pending) this.bySubscriber.set(subscription.subscriber, (pending = new Map()));
    pending.set(ackId, subscription);
    subscription.subscriber.deliverMessage(message.frameTemplate, subscription.id, ackId, ackId);
  }

  /**
   * An ACK or NACK: the delivery it names (1.2: `id`; 1.0/1.1: `message-id`, and in 1.1 the
   * `subscription` when given) and, in `client` mode, every earlier one of its subscription.
   * Throws `STOMP_ERR_UNKNOWN_ACK` for an id this session was not sent or has already settled.
   */
  settle(subscriber: BrokerSubscriber, command: 'ACK' | 'NACK', headers: StompHeaders): Settlement {
    const header = subscriber.version === '1.2' ? 'id' : 'message-id';
    const ackId = headers[header] ?? '';
    const subscription = this.bySubscriber.get(subscriber)?.get(ackId);
    if (!subscription) {
      throw new StompProtocolError(
        'STOMP_ERR_UNKNOWN_ACK',
        `${command} ${header}:${truncate(ackId)} names no message awaiting acknowledgement: this session was not sent it on a client or client-individual subscription, or has already acknowledged it`,
      );
    }
    const named = headers.subscription;
    if (subscriber.version === '1.1' && named !== undefined && named !== subscription.id) {
      throw new StompProtocolError(
        'STOMP_ERR_UNKNOWN_ACK',
        `${command} names subscription '${truncate(named)}', but message '${truncate(ackId)}' was sent to subscription '${truncate(subscription.id)}'`,
      );
    }
    return { subscription, messages: this.forget(subscription, subscription.unacknowledged!.settle(ackId)) };
  }

  /** The subscription ended: its unacknowledged messages, in delivery order, no longer pending. */
  release(subscription: Subscription): readonly HeldMessage[] {
    if (!subscription.unacknowledged || subscription.unacknowledged.size === 0) return [];
    return this.forget(subscription, subscription.unacknowledged.takeAll());
  }

  private forget(subscription: Subscription, settled: ReadonlyArray<[string, HeldMessage]>): HeldMessage[] {
    const pending = this.bySubscriber.get(subscription.subscriber);
    const messages: HeldMessage[] = [];
    for (const [ackId, message] of settled) {
      pending?.delete(ackId);
      this.held.release(message.size);
      messages.push(message);
    }
    if (pending?.size === 0) this.bySubscriber.delete(subscription.subscriber);
    return messages;
  }
}
