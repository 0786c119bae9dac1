import { StompBrokerUnavailableError } from '../../errors/stomp-broker-unavailable.error.js';
import { StompError } from '../../errors/stomp.error.js';
import type { StompFrame } from '../../protocol/stomp-frame.js';
import type { BrokerSubscriber } from '../message-broker.js';
import { describeError, type BrokerConnection, type BrokerConnectionHandlers } from './broker-connection.js';
import { SharedSubscription } from './shared-subscription.js';

const TOPIC = '/topic/';

/**
 * Whether a client's SUBSCRIBE can share the broker subscription of its destination: a `/topic/...`
 * whose headers for the broker (after relaySubscribeHeaders) ask for nothing but automatic
 * acknowledgement. Credit (`prefetch-count`), a stream offset or client acknowledgement belong to
 * one client's subscription. RabbitMQ refuses a topic name that is empty or holds a `/` with an
 * ERROR naming no receipt, which would fail every SUBSCRIBE waiting on the shared connection: such
 * a destination goes over the client's own connection, where the ERROR reaches that client alone.
 */
export function isShareable(destination: string, brokerHeaders: Readonly<Record<string, string>>): boolean {
  if (!destination.startsWith(TOPIC) || destination.length === TOPIC.length || destination.includes('/', TOPIC.length)) return false;
  for (const name in brokerHeaders) if (name !== 'ack' || brokerHeaders[name] !== 'auto') return false;
  return true;
}

/**
 * The relay's shared `/topic/...` subscriptions (option `shareTopicSubscriptions`): one broker
 * subscription per destination, on one broker connection of the relay's own (opened at the first
 * shareable SUBSCRIBE), for all the client subscriptions to it. RabbitMQ then copies and sends each
 * message once per destination instead of once per client session. Reference-counted: the first
 * client subscription SUBSCRIBEs at the broker, the last one leaving UNSUBSCRIBEs. Losing the
 * connection (or an ERROR on it) ends every session that had a subscription here, as losing its
 * own connection would; the next shareable SUBSCRIBE opens a new one.
 */
export class SharedTopicSubscriptions {
  private connection: Promise<BrokerConnection> | undefined;
  private readonly byDestination = new Map<string, SharedSubscription>();
  private readonly byBrokerId = new Map<string, SharedSubscription>();
  private readonly bySubscriber = new Map<BrokerSubscriber, Map<string, SharedSubscription>>();
  private nextId = 0;
  /** Tells a lost connection's report from a newer connection's. */
  private generation = 0;
  private closed = false;

  /** `open`: a new broker connection with these handlers (the relay's, with `clientLogin`, trying each address). */
  constructor(private readonly open: (handlers: BrokerConnectionHandlers) => Promise<BrokerConnection>) {}

  /** Whether the client subscription `subscriptionId` of `subscriber` is one of these. */
  has(subscriber: BrokerSubscriber, subscriptionId: string): boolean {
    return this.bySubscriber.get(subscriber)?.has(subscriptionId) ?? false;
  }

  /**
   * Resolves when the broker subscription is live: at once when it already was. `tryAlone`: the
   * same SUBSCRIBE tried (and undone) on the client's own broker connection first, for a destination
   * not shared yet. A broker that refuses it (topic permissions of `clientLogin`, a limit) answers
   * with an ERROR and closes that connection, which ends that client's session alone; refused on the
   * shared connection it would end every session with a shared subscription.
   */
  subscribe(subscriber: BrokerSubscriber, subscriptionId: string, destination: string, tryAlone: () => Promise<void>): Promise<void> {
    let shared = this.byDestination.get(destination);
    if (!shared) {
      shared = new SharedSubscription(`shared-${this.nextId++}`, destination);
      this.byDestination.set(destination, shared);
      this.byBrokerId.set(shared.brokerId, shared);
      shared.ready = this.subscribeAtBroker(shared, tryAlone);
    }
    // Counted before anything is awaited: a session that ends meanwhile is taken off by unsubscribeAll.
    shared.add(subscriber, subscriptionId);
    let mine = this.bySubscriber.get(subscriber);
    if (!mine) this.bySubscriber.set(subscriber, (mine = new Map()));
    mine.set(subscriptionId, shared);
    return shared.ready;
  }

  unsubscribe(subscriber: BrokerSubscriber, subscriptionId: string): void {
    const mine = this.bySubscriber.get(subscriber);
    const shared = mine?.get(subscriptionId);
    if (!mine || !shared) return;
    mine.delete(subscriptionId);
    if (mine.size === 0) this.bySubscriber.delete(subscriber);
    this.leave(shared, subscriber, subscriptionId);
  }

  unsubscribeAll(subscriber: BrokerSubscriber): void {
    const mine = this.bySubscriber.get(subscriber);
    if (!mine) return;
    this.bySubscriber.delete(subscriber);
    for (const [subscriptionId, shared] of mine) this.leave(shared, subscriber, subscriptionId);
  }

  close(): void {
    this.closed = true;
    const connection = this.connection;
    this.forget();
    void connection?.then(
      (open) => open.close(),
      () => undefined,
    );
  }

  private async subscribeAtBroker(shared: SharedSubscription, tryAlone: () => Promise<void>): Promise<void> {
    try {
      await tryAlone();
      const connection = await this.connected();
      // Everyone left while the connection was being opened: nothing to subscribe to.
      if (shared.isEmpty) return;
      await connection.request({ command: 'SUBSCRIBE', headers: { id: shared.brokerId, destination: shared.destination } });
      shared.connection = connection;
      // Everyone left while the broker was subscribing: undone only now, since RabbitMQ answers an
      // UNSUBSCRIBE of a subscription it refused with an ERROR, which would end every shared one.
      if (shared.isEmpty) unsubscribeAtBroker(shared);
    } catch (error) {
      this.remove(shared);
      if (error instanceof StompError) throw error;
      throw new StompBrokerUnavailableError(`Cannot subscribe to ${shared.destination} at the message broker: ${(error as Error).message}; try again later`);
    }
  }

  /** The last client subscription gone: the broker subscription goes too. */
  private leave(shared: SharedSubscription, subscriber: BrokerSubscriber, subscriptionId: string): void {
    shared.remove(subscriber, subscriptionId);
    // A SUBSCRIBE still pending is undone when the broker confirms it (subscribeAtBroker).
    if (shared.isEmpty && this.remove(shared)) unsubscribeAtBroker(shared);
  }

  /** Forgets a shared subscription (its MESSAGEs are dropped from now on); false when it already was. */
  private remove(shared: SharedSubscription): boolean {
    if (this.byDestination.get(shared.destination) !== shared) return false;
    this.byDestination.delete(shared.destination);
    this.byBrokerId.delete(shared.brokerId);
    return true;
  }

  private connected(): Promise<BrokerConnection> {
    if (this.closed) return Promise.reject(new StompBrokerUnavailableError('The message broker relay is closed'));
    if (this.connection) return this.connection;
    const generation = ++this.generation;
    let opened: BrokerConnection | undefined;
    const current = () => generation === this.generation && !this.closed;
    const opening = this.open({
      onFrame: (frame) => {
        if (current()) this.onFrame(frame, () => opened?.close());
      },
      onLost: (reason) => {
        if (current()) this.lost(`Lost the connection to the message broker (the relay's shared one, which carried this session's /topic subscriptions: ${reason}); reconnect later`);
      },
    }).then(
      (connection) => {
        opened = connection;
        if (!current()) connection.close();
        return connection;
      },
      (error: unknown) => {
        if (generation === this.generation) this.connection = undefined;
        throw error;
      },
    );
    this.connection = opening;
    return opening;
  }

  private onFrame(frame: StompFrame, closeConnection: () => void): void {
    if (frame.command === 'MESSAGE') {
      this.byBrokerId.get(frame.headers.subscription ?? '')?.deliver(frame);
    } else if (frame.command === 'ERROR') {
      // Whatever the broker still holds for this connection, the relay no longer counts on it.
      closeConnection();
      this.lost(`The message broker sent an ERROR on the relay's shared connection, which carried this session's /topic subscriptions: ${describeError(frame)}; reconnect later`);
    }
  }

  /** Every session that had a shared subscription hears `reason` and ends; the next SUBSCRIBE starts afresh. */
  private lost(reason: string): void {
    // Sessions whose SUBSCRIBE is still pending included: they were counted before anything was awaited.
    const sessions = [...this.bySubscriber.keys()];
    this.forget();
    for (const subscriber of sessions) subscriber.brokerLost(reason);
  }

  private forget(): void {
    this.generation++;
    this.connection = undefined;
    this.byDestination.clear();
    this.byBrokerId.clear();
    this.bySubscriber.clear();
  }
}

/** UNSUBSCRIBE of a subscription the broker confirmed, on its connection if that is still open. */
function unsubscribeAtBroker(shared: SharedSubscription): void {
  if (shared.connection?.isOpen) shared.connection.send({ command: 'UNSUBSCRIBE', headers: { id: shared.brokerId } });
}
