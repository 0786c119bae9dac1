import { StompProtocolError } from '../../errors/stomp-protocol.error.js';
import { isBinaryBody } from '../../protocol/content-types.js';
import { DestinationPattern } from '../../protocol/destination-pattern.js';
import { MessageFrameTemplate } from '../../protocol/message-frame-template.js';
import { MessageIds } from '../../util/message-ids.js';
import type { BrokerMessage, BrokerSubscriber, MessageBroker } from '../message-broker.js';

interface Subscription {
  readonly subscriber: BrokerSubscriber;
  readonly id: string;
  readonly destination: string;
}

interface PatternGroup {
  readonly pattern: DestinationPattern;
  readonly subscriptions: Set<Subscription>;
}

/**
 * The embedded in-memory broker (Spring's simple broker). An exact destination is one map lookup;
 * each distinct pattern is compiled once and tested once per publish, however many subscribe to it.
 * A publish encodes its MESSAGE once and delivers synchronously, so every session receives messages
 * in publish order.
 */
export class SimpleBroker implements MessageBroker {
  private readonly exact = new Map<string, Set<Subscription>>();
  private readonly patterns = new Map<string, PatternGroup>();
  private readonly bySubscriber = new Map<BrokerSubscriber, Map<string, Subscription>>();
  private readonly messageIds = new MessageIds();

  constructor(private readonly separator: '/' | '.') {}

  /** Number of live subscriptions. */
  get subscriptionCount(): number {
    let count = 0;
    for (const subscriptions of this.bySubscriber.values()) count += subscriptions.size;
    return count;
  }

  subscribe(subscriber: BrokerSubscriber, subscriptionId: string, destination: string): void {
    checkSubscriptionPattern(destination, this.separator);
    const subscription: Subscription = { subscriber, id: subscriptionId, destination };
    // Compile a new pattern before changing anything, so an invalid one leaves no half-made subscription.
    if (!this.exact.has(destination) && !this.patterns.has(destination)) new DestinationPattern(destination, this.separator);
    let own = this.bySubscriber.get(subscriber);
    if (!own) this.bySubscriber.set(subscriber, (own = new Map()));
    const replaced = own.get(subscriptionId);
    if (replaced) this.remove(replaced);
    own.set(subscriptionId, subscription);
    this.setFor(destination).add(subscription);
  }

  unsubscribe(subscriber: BrokerSubscriber, subscriptionId: string): void {
    const own = this.bySubscriber.get(subscriber);
    const subscription = own?.get(subscriptionId);
    if (!own || !subscription) return;
    own.delete(subscriptionId);
    if (own.size === 0) this.bySubscriber.delete(subscriber);
    this.remove(subscription);
  }

  unsubscribeAll(subscriber: BrokerSubscriber): void {
    const own = this.bySubscriber.get(subscriber);
    if (!own) return;
    this.bySubscriber.delete(subscriber);
    for (const subscription of own.values()) this.remove(subscription);
  }

  publish(message: BrokerMessage): void {
    const exact = this.exact.get(message.destination);
    let template: MessageFrameTemplate | undefined;
    // One id per message (STOMP asks no more), so subscribers alike can share one frame.
    let messageId: string | undefined;
    const deliver = (subscription: Subscription) => {
      template ??= new MessageFrameTemplate(
        { destination: message.destination, ...message.headers },
        message.body,
        isBinaryBody(message.headers['content-type'], message.body),
      );
      const { subscriber } = subscription;
      messageId ??= this.messageIds.next();
      subscriber.deliverMessage(template, subscription.id, messageId);
    };
    if (exact) for (const subscription of exact) deliver(subscription);
    for (const group of this.patterns.values()) {
      if (group.pattern.matches(message.destination)) for (const subscription of group.subscriptions) deliver(subscription);
    }
  }

  private setFor(destination: string): Set<Subscription> {
    const existing = this.exact.get(destination) ?? this.patterns.get(destination)?.subscriptions;
    if (existing) return existing;
    const pattern = new DestinationPattern(destination, this.separator);
    const subscriptions = new Set<Subscription>();
    if (pattern.isLiteral) this.exact.set(destination, subscriptions);
    else this.patterns.set(destination, { pattern, subscriptions });
    return subscriptions;
  }

  private remove(subscription: Subscription): void {
    const { destination } = subscription;
    const exact = this.exact.get(destination);
    if (exact?.delete(subscription)) {
      if (exact.size === 0) this.exact.delete(destination);
      return;
    }
    const group = this.patterns.get(destination);
    if (group?.subscriptions.delete(subscription) && group.subscriptions.size === 0) this.patterns.delete(destination);
  }
}

/**
 * Every publish tests every subscribed pattern, so a client's pattern must stay cheap to match: no
 * `{var}` (a regex of the client's choosing), at most one `*` per segment and one `**`. Beyond that,
 * backtracking could let one SUBSCRIBE stall the server on each publish.
 */
function checkSubscriptionPattern(destination: string, separator: '/' | '.'): void {
  if (!/[*?{]/.test(destination)) return;
  const segments = destination.split(separator);
  const tooComplex =
    destination.includes('{') ||
    segments.filter((segment) => segment === '**').length > 1 ||
    segments.some((segment) => segment !== '**' && (segment.match(/\*/g)?.length ?? 0) > 1);
  if (tooComplex) {
    throw new StompProtocolError(
      'STOMP_ERR_ILLEGAL_HEADER',
      `Subscription pattern '${destination}' is too complex: use at most one '*' per segment and one '**', and no '{...}'`,
    );
  }
}
