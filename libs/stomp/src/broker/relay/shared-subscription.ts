import { isBinaryBody } from '../../protocol/content-types.js';
import { MessageFrameTemplate } from '../../protocol/message-frame-template.js';
import { EMPTY_BODY, type StompFrame } from '../../protocol/stomp-frame.js';
import type { BrokerSubscriber } from '../message-broker.js';
import type { BrokerConnection } from './broker-connection.js';
import { NOT_DELIVERED } from './relayed-message.js';

/**
 * One broker subscription to a `/topic/...` destination on the relay's shared connection, and the
 * client subscriptions it serves. The broker sends each message once; every client subscription
 * gets it with its own `subscription` id.
 */
export class SharedSubscription {
  /**
   * Client subscriptions grouped by their id: subscribers alike (every stomp.js client calls its
   * first subscription `sub-0`) are delivered one after the other, so the template encodes one
   * frame per id and STOMP version and every subscriber of the group writes those same bytes.
   */
  private readonly byId = new Map<string, Set<BrokerSubscriber>>();
  private count = 0;
  /** The connection the broker confirmed the SUBSCRIBE on; `undefined` until it did. */
  connection: BrokerConnection | undefined;
  /** Settles when the broker confirmed (or refused) the SUBSCRIBE: what every joining client waits for. */
  ready: Promise<void> = Promise.resolve();

  constructor(
    /** The broker subscription's `id`, unique on the shared connection: its MESSAGEs name it. */
    readonly brokerId: string,
    readonly destination: string,
  ) {}

  get isEmpty(): boolean {
    return this.count === 0;
  }

  add(subscriber: BrokerSubscriber, subscriptionId: string): void {
    let group = this.byId.get(subscriptionId);
    if (!group) this.byId.set(subscriptionId, (group = new Set()));
    if (group.has(subscriber)) return;
    group.add(subscriber);
    this.count++;
  }

  remove(subscriber: BrokerSubscriber, subscriptionId: string): void {
    const group = this.byId.get(subscriptionId);
    if (!group?.delete(subscriber)) return;
    this.count--;
    if (group.size === 0) this.byId.delete(subscriptionId);
  }

  /**
   * One MESSAGE of the broker to every client subscription. The broker's headers pass as they do
   * over a client's own connection (all but `receipt` and `content-length`, see NOT_DELIVERED),
   * `message-id` included; `subscription` becomes each client's. `frame` is the decoder's memory:
   * the body is copied once, since a template may outlive the call (an outbound interceptor's frame).
   */
  deliver(frame: StompFrame): void {
    const headers: Record<string, string> = {};
    for (const name in frame.headers) {
      if (!NOT_DELIVERED.has(name) && name !== 'subscription' && name !== 'message-id') headers[name] = frame.headers[name]!;
    }
    const body = frame.body.length > 0 ? Buffer.from(frame.body) : EMPTY_BODY;
    const template = new MessageFrameTemplate(headers, body, isBinaryBody(headers['content-type'], body));
    const messageId = frame.headers['message-id'] ?? '';
    for (const [subscriptionId, group] of this.byId) {
      for (const subscriber of group) subscriber.deliverMessage(template, subscriptionId, messageId);
    }
  }
}
