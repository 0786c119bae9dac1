import type { Observable } from 'rxjs';
import type { StompPrincipal } from '../interfaces/stomp-principal.interface.js';
import type { MessageFrameTemplate } from '../protocol/message-frame-template.js';
import type { StompFrame, StompHeaders } from '../protocol/stomp-frame.js';
import type { StompVersion } from '../protocol/stomp-version.js';

/** What the broker delivers to: a client session, seen from the broker's side. */
export interface BrokerSubscriber {
  readonly id: string;
  readonly version: StompVersion;
  /** The session has ended: anything still being set up for it must be released. */
  readonly isClosed: boolean;
  /** Who the session belongs to (`undefined`: anonymous), for brokers that decide per client (the relay's `clientQueues`). */
  readonly principal?: StompPrincipal | undefined;
  /**
   * Writes one MESSAGE of a message to this subscriber's subscription `subscriptionId`: make one
   * {@link MessageFrameTemplate} per message (`MessageFrameTemplate.forMessage(message)`) and pass
   * it to each subscriber, with one `messageId` for all of them. The frame is encoded once per STOMP
   * version, and shown to the application's outbound interceptors without being decoded again.
   * `ack`: for a subscription in `client` or `client-individual` mode, the id its ACK/NACK will name,
   * written as the MESSAGE's `ack` header to STOMP 1.2 clients (older versions acknowledge by
   * `message-id`, so a broker that tracks acknowledgements gives such a delivery a `messageId` of
   * its own and passes the same value here).
   */
  deliverMessage(template: MessageFrameTemplate, subscriptionId: string, messageId: string, ack?: string): void;
  /**
   * Writes one MESSAGE frame made for this subscriber alone, as an object (with its `subscription`
   * and `message-id` headers): encoded in the subscriber's version. `binary` asks for a binary
   * WebSocket message.
   */
  deliverFrame(frame: StompFrame, binary: boolean): void;
  /**
   * Writes one MESSAGE frame already encoded in the subscriber's `version`. Prefer
   * {@link deliverMessage}: bytes are decoded again when the application has outbound interceptors.
   */
  deliver(frame: Buffer, binary: boolean): void;
  /** The broker lost this session (its relay connection dropped): the session ends with an ERROR saying why. */
  brokerLost(reason: string): void;
}

/** A message on its way to subscribers; `headers` become the MESSAGE's headers. */
export interface BrokerMessage {
  readonly destination: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

/**
 * Server-to-server messages between the application instances that share one broker (an external
 * STOMP broker, Redis, JetStream, Kafka): how user destinations and the user registry work across
 * instances.
 */
export interface BrokerCluster {
  /** This instance's id, unique among the instances. */
  readonly instanceId: string;
  /** Sends to every instance, this one included; rejects when the broker is unreachable. */
  publish(data: string): Promise<void>;
  /** What any instance published, this one's included. */
  readonly messages$: Observable<string>;
}

/**
 * The broker behind the broker prefixes: the embedded {@link SimpleBroker} by default, a STOMP relay
 * to RabbitMQ/ActiveMQ, Redis, or your own (pass an instance as the `broker` option). Methods may
 * be asynchronous: a SEND's RECEIPT waits for `publish` to settle, a rejection becomes an ERROR for
 * the sender, and a rejected template send rejects for its caller. A client's SENDs without a
 * receipt are pipelined: the session goes on while `publish` is pending, so a broker must let one
 * client's publishes take effect in the order they were called (one connection per client does).
 */
export interface MessageBroker {
  /** Called once at application start-up (connect to the external broker). */
  start?(): Promise<void>;
  /** Called once at shutdown, after every session has ended. */
  close?(): Promise<void>;
  /**
   * A client session CONNECTed (before CONNECTED is sent). A relay opens the session's own broker
   * connection here; a rejection refuses the CONNECT with the rejection's message.
   */
  connect?(subscriber: BrokerSubscriber, login: { login?: string; passcode?: string }): void | Promise<void>;
  /** `headers`: the client's SUBSCRIBE headers (`ack`, broker-specific ones), to pass through. */
  subscribe(subscriber: BrokerSubscriber, subscriptionId: string, destination: string, headers: StompHeaders): void | Promise<void>;
  unsubscribe(subscriber: BrokerSubscriber, subscriptionId: string): void | Promise<void>;
  /** The session ended, however: drop its subscriptions (and its broker connection). */
  unsubscribeAll(subscriber: BrokerSubscriber): void;
  /** `from`: the client session that SENT it; absent for server-side sends (template, handler replies). */
  publish(message: BrokerMessage, from?: BrokerSubscriber): void | Promise<void>;
  /** ACK/NACK of a client, for brokers that track acknowledgements (the relay forwards them). */
  acknowledge?(subscriber: BrokerSubscriber, command: 'ACK' | 'NACK', headers: StompHeaders): void | Promise<void>;
  /** Whether the broker can take messages, as it changes. Absent: always available. */
  readonly availability$?: Observable<boolean>;
  /** Present when several application instances can share this broker. */
  readonly cluster?: BrokerCluster;
}
