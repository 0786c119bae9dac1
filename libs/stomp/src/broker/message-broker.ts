import type { Observable } from 'rxjs';
import type { StompVersion } from '../protocol/stomp-version.js';

/** What the broker delivers to: a session, seen from the broker's side. */
export interface BrokerSubscriber {
  readonly id: string;
  readonly version: StompVersion;
  /** Writes one encoded MESSAGE frame. */
  deliver(frame: Buffer, binary: boolean): void;
}

/** A message on its way to subscribers; `headers` become the MESSAGE's headers. */
export interface BrokerMessage {
  readonly destination: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  /**
   * Set when the message is for one session's user destination: `destination` is then the
   * session's resolved queue (`/queue/x-user{sessionId}`) and this is what the client subscribed to
   * and sees in MESSAGE frames (`/user/queue/x`). Such a message reaches exact subscriptions only,
   * never pattern ones, so no wildcard can read another user's queue.
   */
  readonly userDestination?: string;
}

/**
 * The broker behind the broker prefixes. Implement it to plug in another broker; the embedded
 * {@link SimpleBroker} is the default. Methods may be asynchronous: a SEND's RECEIPT waits for
 * `publish` to settle, and a rejection becomes an ERROR for the sender.
 */
export interface MessageBroker {
  subscribe(subscriber: BrokerSubscriber, subscriptionId: string, destination: string): void | Promise<void>;
  unsubscribe(subscriber: BrokerSubscriber, subscriptionId: string): void;
  /** Drops every subscription of a subscriber that went away. */
  unsubscribeAll(subscriber: BrokerSubscriber): void;
  publish(message: BrokerMessage): void | Promise<void>;
  /**
   * Whether the broker can take messages, as it changes (a relay losing its connection). Absent:
   * always available.
   */
  readonly availability$?: Observable<boolean>;
}
