import { StompProtocolError } from '../errors/stomp-protocol.error.js';
import type { StompHeaders } from '../protocol/stomp-frame.js';
import type { StompVersion } from '../protocol/stomp-version.js';
import { truncate } from '../util/truncate.js';
import { requireHeader } from './required-header.js';

const ACK_MODES = new Set(['auto', 'client', 'client-individual']);

/** A SUBSCRIBE the table admitted: what the router is asked to subscribe. */
export interface SubscriptionRequest {
  readonly id: string;
  readonly destination: string;
}

/**
 * One session's subscriptions: id → destination. Checks a SUBSCRIBE before anything is subscribed
 * (headers, the per-session limit, a duplicate id, the ack mode) and reads an UNSUBSCRIBE's id,
 * both by the rules of the session's STOMP version.
 */
export class SubscriptionTable {
  /** Made at the first SUBSCRIBE (or the first read): an idle session subscribes to nothing. */
  private byId: Map<string, string> | undefined;

  constructor(private readonly maxSubscriptions: number) {}

  /** Subscription ids and their destinations. */
  get destinations(): ReadonlyMap<string, string> {
    return (this.byId ??= new Map());
  }

  /** The SUBSCRIBE's id and destination, once it passes every check; throws a StompProtocolError saying which it failed. */
  admit(headers: StompHeaders, version: StompVersion): SubscriptionRequest {
    const destination = requireHeader(headers, 'destination', 'SUBSCRIBE');
    // STOMP 1.0 made the id optional; the destination then names the subscription.
    const id = version === '1.0' ? (headers.id ?? destination) : requireHeader(headers, 'id', 'SUBSCRIBE');
    const byId = this.byId;
    if (byId !== undefined && byId.size >= this.maxSubscriptions) {
      throw new StompProtocolError(
        'STOMP_ERR_LIMIT',
        `Too many subscriptions: a session may hold at most ${this.maxSubscriptions} (option maxSubscriptionsPerSession)`,
      );
    }
    if (byId?.has(id)) {
      throw new StompProtocolError(
        'STOMP_ERR_DUPLICATE_SUBSCRIPTION',
        `Subscription id '${id}' is already in use by this session (destination '${byId.get(id)}')`,
      );
    }
    const ack = headers.ack ?? 'auto';
    if (!ACK_MODES.has(ack)) {
      throw new StompProtocolError('STOMP_ERR_ILLEGAL_HEADER', `Invalid ack mode '${truncate(ack)}': expected auto, client or client-individual`);
    }
    return { id, destination };
  }

  /** Records an admitted subscription once the router has taken it. */
  add({ id, destination }: SubscriptionRequest): void {
    (this.byId ??= new Map()).set(id, destination);
  }

  /** The id an UNSUBSCRIBE names (in 1.0 its destination may stand for it). */
  unsubscribeId(headers: StompHeaders, version: StompVersion): string {
    const id = version === '1.0' ? (headers.id ?? headers.destination) : headers.id;
    if (id === undefined) {
      throw new StompProtocolError('STOMP_ERR_MISSING_HEADER', "UNSUBSCRIBE frame must have an 'id' header");
    }
    return id;
  }

  /** Removes a subscription; its destination, or `undefined` when there was none by that id. */
  remove(id: string): string | undefined {
    const destination = this.byId?.get(id);
    if (destination !== undefined) this.byId!.delete(id);
    return destination;
  }

  clear(): void {
    this.byId?.clear();
  }
}
