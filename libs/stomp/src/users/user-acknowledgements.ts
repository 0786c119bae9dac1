import { StompProtocolError } from '../errors/stomp-protocol.error.js';
import type { SessionOutlet } from '../interfaces/stomp-session.interface.js';
import type { StompHeaders } from '../protocol/stomp-frame.js';
import { MessageIds } from '../util/message-ids.js';
import { truncate } from '../util/truncate.js';

type ClientAckMode = 'client' | 'client-individual';

/**
 * Acknowledgements of user-destination messages (`/user/queue/x`). They go to the session
 * directly, with no queue behind them, so there is nothing to redeliver: delivery is still the
 * acknowledgement. But a client-acknowledged subscription gets what the STOMP spec promises it, a
 * MESSAGE with an `ack` id (and a `message-id`) of its own, and its ACK or NACK (cumulative in
 * `client` mode) is accepted once; a NACK drops the message. The ids start with this instance's
 * own prefix, so an ACK naming one is answered here and never reaches the broker. At most
 * `limit` unacknowledged ids are remembered per session (the oldest are forgotten, counted as
 * acknowledged): a client that never acknowledges costs bounded memory.
 */
export class UserAcknowledgements {
  private readonly ids = new MessageIds('u-ack');
  /** Client-acknowledged user subscriptions of each session: id → mode. */
  private readonly modes = new Map<SessionOutlet, Map<string, ClientAckMode>>();
  /** Each session's unacknowledged user messages, in delivery order: ack id → subscription id. */
  private readonly pending = new Map<SessionOutlet, Map<string, string>>();
  /** Per session, the sequence of the newest id forgotten past `limit`: ids up to it count as acknowledged. */
  private readonly forgottenUpTo = new Map<SessionOutlet, number>();

  constructor(private readonly limit: number) {}

  /** A SUBSCRIBE to a user destination was admitted with these headers. */
  subscribed(session: SessionOutlet, subscriptionId: string, headers: StompHeaders): void {
    const mode = headers.ack;
    if (mode !== 'client' && mode !== 'client-individual') return;
    let modes = this.modes.get(session);
    if (!modes) this.modes.set(session, (modes = new Map()));
    modes.set(subscriptionId, mode);
  }

  /** The ack id of the next delivery to this subscription, or `undefined` for an `auto` one. */
  ackIdFor(session: SessionOutlet, subscriptionId: string): string | undefined {
    if (!this.modes.get(session)?.has(subscriptionId)) return undefined;
    const ackId = this.ids.next();
    let pending = this.pending.get(session);
    if (!pending) this.pending.set(session, (pending = new Map()));
    pending.set(ackId, subscriptionId);
    if (pending.size > this.limit) {
      const oldest = pending.keys().next().value!;
      pending.delete(oldest);
      this.forgottenUpTo.set(session, this.ids.sequenceOf(oldest)!);
    }
    return ackId;
  }

  /**
   * Settles an ACK/NACK that names one of these ids and says so (`true`); `false` when the id is
   * not one of them (the broker's). Throws `STOMP_ERR_UNKNOWN_ACK` for one already settled.
   */
  acknowledge(session: SessionOutlet, command: 'ACK' | 'NACK', headers: StompHeaders): boolean {
    const header = session.version === '1.2' ? 'id' : 'message-id';
    const ackId = headers[header];
    if (ackId === undefined || !ackId.startsWith(this.ids.prefix)) return false;
    const pending = this.pending.get(session);
    const subscriptionId = pending?.get(ackId);
    if (!pending || subscriptionId === undefined) {
      // Forgotten past the limit: counted as acknowledged, so a late ACK of it is no mistake.
      if ((this.ids.sequenceOf(ackId) ?? Infinity) <= (this.forgottenUpTo.get(session) ?? -1)) return true;
      throw new StompProtocolError(
        'STOMP_ERR_UNKNOWN_ACK',
        `${command} ${header}:${truncate(ackId)} names no message awaiting acknowledgement: this session was not sent it on a client or client-individual subscription, or has already acknowledged it`,
      );
    }
    if (this.modes.get(session)?.get(subscriptionId) === 'client') {
      for (const [id, subscription] of pending) {
        if (subscription === subscriptionId) pending.delete(id);
        if (id === ackId) break;
      }
    } else pending.delete(ackId);
    if (pending.size === 0) this.pending.delete(session);
    return true;
  }

  unsubscribed(session: SessionOutlet, subscriptionId: string): void {
    const modes = this.modes.get(session);
    if (!modes?.delete(subscriptionId)) return;
    if (modes.size === 0) this.modes.delete(session);
    const pending = this.pending.get(session);
    if (!pending) return;
    for (const [id, subscription] of pending) if (subscription === subscriptionId) pending.delete(id);
    if (pending.size === 0) this.pending.delete(session);
  }

  disconnected(session: SessionOutlet): void {
    this.modes.delete(session);
    this.pending.delete(session);
    this.forgottenUpTo.delete(session);
  }
}
