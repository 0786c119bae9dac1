import { truncate } from '../../../util/truncate.js';
import { StompProtocolError } from '../../../errors/stomp-protocol.error.js';
import { StompBrokerUnavailableError } from '../../../errors/stomp-broker-unavailable.error.js';
import { MessageFrameTemplate } from '../../../protocol/message-frame-template.js';
import type { StompHeaders } from '../../../protocol/stomp-frame.js';
import { MessageIds } from '../../../util/message-ids.js';
import type { BrokerMessage, BrokerSubscriber } from '../../message-broker.js';
import { RetentionPolicy } from '../../retention/retention-policy.js';
import type { RetentionSettings } from '../../retention/retention.options.js';
import { parseStreamOffset, STREAM_OFFSET_HEADER, type StreamOffset } from '../../retention/stream-offset.js';
import type { SimpleBroker } from '../../simple/simple-broker.js';
import { isPattern } from '../../simple/subscription-pattern.js';
import type { RedisConnection } from '../redis-connection.js';
import { redisStreamKeys, type RedisStreamKeys } from './redis-stream-ids.js';
import { feedLimits, RedisStreamPublisher } from './redis-stream-publisher.js';
import { replayLog } from './redis-stream-replay.js';
import { ReplayGate } from './replay-gate.js';

/**
 * The Redis broker's `mode: 'streams'` part: the destinations `retention` names are published to
 * Redis Streams (see RedisStreamPublisher) instead of pub/sub, and replayed on SUBSCRIBE by
 * `x-stream-offset`; the instance's reader of the feed (RedisStreamReader, built by the broker)
 * hands live ones to the same local fan-out as pub/sub. Every local subscription goes through its
 * session's {@link ReplayGate}.
 */
export class RedisStreams {
  readonly keys: RedisStreamKeys;
  private readonly policy: RetentionPolicy;
  private readonly publisher: RedisStreamPublisher;
  private readonly gates = new Map<BrokerSubscriber, ReplayGate>();
  private readonly messageIds = new MessageIds('replay');

  constructor(
    prefix: string,
    retention: readonly RetentionSettings[],
    separator: '/' | '.',
    private readonly local: SimpleBroker,
    /** The broker's publisher connection: XADDs and the replays' XRANGEs. */
    private readonly connection: RedisConnection,
  ) {
    this.keys = redisStreamKeys(prefix);
    this.policy = new RetentionPolicy(retention, separator);
    this.publisher = new RedisStreamPublisher(this.keys, feedLimits(retention), connection.client);
  }

  /** Whether no `retention` rule was given: every destination goes over pub/sub. */
  get retainsNothing(): boolean {
    return this.policy.isEmpty;
  }

  /** The retention rule of `destination`: `undefined` when it goes over pub/sub. */
  ruleFor(destination: string): RetentionSettings | undefined {
    return this.policy.ruleFor(destination);
  }

  /** Resolves once Redis stored the message in its destination's log and the feed. */
  async publish(message: BrokerMessage, rule: RetentionSettings): Promise<void> {
    const action = `publish the message to '${message.destination}'`;
    this.requireConnection(action);
    try {
      await this.publisher.append(message, rule);
    } catch (error) {
      throw new StompBrokerUnavailableError(`Redis broker unavailable: could not ${action} (${this.connection.describeFailure(error)})`, { cause: error });
    }
  }

  /**
   * Subscribes locally; on a retained destination (not a pattern) with an `x-stream-offset` other
   * than `next`, replays its log first and resolves once the replay was delivered. A bad header
   * value throws, whatever the destination.
   */
  subscribe(subscriber: BrokerSubscriber, subscriptionId: string, destination: string, headers: StompHeaders): void | Promise<void> {
    const from = parseStreamOffset(headers[STREAM_OFFSET_HEADER]);
    if (from.kind !== 'next' && (headers.ack === 'client' || headers.ack === 'client-individual') && this.policy.ruleFor(destination)) {
      // A replay is read from Redis page by page and written straight to the session: nothing
      // behind it could take an acknowledgement (the embedded broker's history can).
      throw new StompProtocolError(
        'STOMP_ERR_BAD_STREAM_OFFSET',
        `Subscription to '${truncate(destination)}' refused: on Redis Streams a replay (${STREAM_OFFSET_HEADER}:${truncate(headers[STREAM_OFFSET_HEADER]!)}) is for ack:auto subscriptions; acknowledge by remembering the last x-stream-offset instead`,
      );
    }
    const gate = this.gateFor(subscriber);
    this.local.subscribe(gate, subscriptionId, destination, headers);
    if (from.kind === 'next' || isPattern(destination) || !this.policy.ruleFor(destination)) {
      gate.end(subscriptionId);
      return;
    }
    return this.replay(gate, subscriptionId, destination, from);
  }

  /** Who the local broker knows `subscriber` as (its gate), for its ACKs and NACKs. */
  localSubscriberOf(subscriber: BrokerSubscriber): BrokerSubscriber | undefined {
    return this.gates.get(subscriber);
  }

  unsubscribe(subscriber: BrokerSubscriber, subscriptionId: string): void {
    const gate = this.gates.get(subscriber);
    if (!gate) return;
    this.local.unsubscribe(gate, subscriptionId);
    gate.end(subscriptionId);
  }

  unsubscribeAll(subscriber: BrokerSubscriber): void {
    const gate = this.gates.get(subscriber);
    if (!gate) return;
    this.gates.delete(subscriber);
    gate.endAll();
    this.local.unsubscribeAll(gate);
  }

  private async replay(gate: ReplayGate, subscriptionId: string, destination: string, from: Exclude<StreamOffset, { kind: 'next' }>): Promise<void> {
    const handle = gate.begin(subscriptionId);
    const action = `replay '${destination}'`;
    try {
      this.requireConnection(action);
      await replayLog(
        this.connection.client,
        this.keys.log(destination),
        from,
        (offset, message) => gate.replayed(subscriptionId, handle, offset, MessageFrameTemplate.forMessage(message), this.messageIds.next()),
        () => gate.isCurrent(subscriptionId, handle),
      );
    } catch (error) {
      if (gate.isCurrent(subscriptionId, handle)) this.unsubscribe(gate.session, subscriptionId);
      if (error instanceof StompBrokerUnavailableError) throw error;
      throw new StompBrokerUnavailableError(`Redis broker unavailable: could not ${action} (${this.connection.describeFailure(error)})`, { cause: error });
    }
    gate.finish(subscriptionId, handle);
  }

  private requireConnection(action: string): void {
    if (!this.connection.isReady) throw new StompBrokerUnavailableError(`Redis broker unavailable: could not ${action} (${this.connection.downReason})`);
  }

  private gateFor(subscriber: BrokerSubscriber): ReplayGate {
    let gate = this.gates.get(subscriber);
    if (!gate) this.gates.set(subscriber, (gate = new ReplayGate(subscriber)));
    return gate;
  }
}
