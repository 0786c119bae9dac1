import { StompProtocolError } from '../../errors/stomp-protocol.error.js';
import type { MessageIds } from '../../util/message-ids.js';
import type { JetStreamSubscription } from './jetstream-subscription.js';

/**
 * One session's client-acknowledged deliveries on the JetStream broker: which subscription each
 * ack id it was sent belongs to, so that its ACK or NACK reaches that subscription's settlement.
 */
export class SessionAcks {
  /** Unacknowledged deliveries: ack id → its subscription. */
  private readonly owners = new Map<string, JetStreamSubscription>();
  /** Sequence of the newest topic ack id forgotten past `prefetch`: ids up to it count as acknowledged. */
  private forgottenUpTo = -1;

  constructor(private readonly ids: MessageIds) {}

  add(ackId: string, owner: JetStreamSubscription): void {
    this.owners.set(ackId, owner);
  }

  delete(ackId: string): void {
    this.owners.delete(ackId);
  }

  /** A topic's ack id dropped past `prefetch`: from now on an ACK of it is no mistake. */
  forget(ackId: string): void {
    this.owners.delete(ackId);
    this.forgottenUpTo = Math.max(this.forgottenUpTo, this.ids.sequenceOf(ackId) ?? -1);
  }

  /** ACK or NACK of `ackId` (the frame's `id` in 1.2, `message-id` before); an id this session was not sent is a {@link StompProtocolError}. */
  settle(command: 'ACK' | 'NACK', ackId: string | undefined): void {
    const subscription = ackId === undefined ? undefined : this.owners.get(ackId);
    if (!subscription || ackId === undefined) {
      // Forgotten past `prefetch` on a topic: counted as acknowledged, so a late ACK of it is no mistake.
      if (ackId !== undefined && (this.ids.sequenceOf(ackId) ?? Infinity) <= this.forgottenUpTo) return;
      throw unknownAck(command, ackId);
    }
    for (const settled of subscription.settle(ackId, command)) this.owners.delete(settled);
  }
}

export function unknownAck(command: 'ACK' | 'NACK', ackId: string | undefined): StompProtocolError {
  return new StompProtocolError(
    'STOMP_ERR_UNKNOWN_ACK',
    `${command} names message '${ackId}', which this session was not sent in a client-acknowledged subscription or has already acknowledged`,
  );
}
