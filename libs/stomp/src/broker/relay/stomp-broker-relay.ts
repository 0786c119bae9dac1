import { StompLogger } from '../../util/stomp-logger.js';
import { randomUUID } from 'node:crypto';
import { BehaviorSubject, distinctUntilChanged, Subject, type Observable } from 'rxjs';
import { StompBrokerUnavailableError } from '../../errors/stomp-broker-unavailable.error.js';
import { isBinaryBody } from '../../protocol/content-types.js';
import { writableHeaders } from '../../protocol/frame-encoder.js';
import type { StompFrame, StompHeaders } from '../../protocol/stomp-frame.js';
import type { StompBrokerAddress } from './relay.options.js';
import type { BrokerCluster, BrokerMessage, BrokerSubscriber, MessageBroker } from '../message-broker.js';
import { BrokerConnection, describeError, type BrokerConnectionHandlers } from './broker-connection.js';
import { ClientQueuePolicy } from './client-queue-policy.js';
import type { RelaySettings } from './relay-settings.js';
import { NOT_DELIVERED, relayedMessageBytes } from './relayed-message.js';
import { isShareable, SharedTopicSubscriptions } from './shared-topic-subscriptions.js';
import { relaySubscribeHeaders } from './subscribe-headers.js';

/**
 * Where the instances sharing the broker talk to each other (user messages, user registries): on
 * RabbitMQ's direct exchange, which no client destination (`/topic`, `/queue`) can reach.
 */
const CLUSTER_DESTINATION = '/exchange/amq.direct/nest-stomp.cluster';
/** The id prefix of the relay's trial SUBSCRIBEs on a client's own connection (their MESSAGEs are dropped). */
const TRIAL_SUBSCRIPTION = 'nest-stomp-trial-';
/** Per-hop headers never copied onto a frame for the broker. */
const NOT_FORWARDED = new Set(['transaction', 'receipt', 'content-length']);

/**
 * Spring's `StompBrokerRelayMessageHandler`: broker destinations live on an external STOMP broker
 * (RabbitMQ's STOMP plugin, ActiveMQ). Each client session gets its own broker connection (with
 * `clientLogin`), which carries its SUBSCRIBEs, SENDs and ACKs and keeps itself alive with its own
 * heart-beats, whatever the client does. One shared "system" connection (`systemLogin`) carries
 * server-side sends and the messages between instances; it reconnects with back-off, trying each
 * address in turn. While it is down the broker is unavailable: CONNECTs are refused and sends
 * reject, all with a message that says so. Unlike Spring, plain `/topic/...` subscriptions share one
 * broker subscription per destination on a connection of the relay's own
 * (`shareTopicSubscriptions`, see SharedTopicSubscriptions).
 */
export class StompBrokerRelay implements MessageBroker {
  private readonly logger = new StompLogger('StompBrokerRelay');
  private readonly settings: RelaySettings;
  private readonly clientQueues: ClientQueuePolicy;
  private readonly available = new BehaviorSubject(false);
  private readonly clusterMessages = new Subject<string>();
  private readonly clients = new Map<BrokerSubscriber, BrokerConnection>();
  private readonly shared: SharedTopicSubscriptions | undefined;
  private system: BrokerConnection | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private reconnectDelay: number;
  private closed = false;
  private warnedAboutCluster = false;
  /** Numbers the trial subscriptions of SharedTopicSubscriptions. */
  private trials = 0;
  /** The address that answered last: sessions connect there first. */
  private preferred = 0;

  readonly availability$: Observable<boolean> = this.available.pipe(distinctUntilChanged());
  readonly cluster: BrokerCluster;

  /**
   * `settings` as the options resolver leaves them (or `{ ...STOMP_DEFAULTS.relay, virtualHost: undefined, ... }`);
   * `separator` is the `pathSeparator` the `clientQueues` patterns use.
   */
  constructor(settings: RelaySettings, separator: '/' | '.' = '/') {
    this.settings = settings;
    this.clientQueues = new ClientQueuePolicy(settings.clientQueues, separator);
    this.reconnectDelay = this.settings.reconnectDelay;
    if (settings.shareTopicSubscriptions) {
      this.shared = new SharedTopicSubscriptions((handlers) => this.openAny(settings.clientLogin, settings.clientPasscode, handlers));
    }
    const instanceId = randomUUID();
    this.cluster = {
      instanceId,
      publish: (data) => this.publish({ destination: CLUSTER_DESTINATION, headers: { 'content-type': 'application/json' }, body: Buffer.from(data) }),
      messages$: this.clusterMessages.asObservable(),
    };
  }

  /** Tries the broker once; the application starts either way and the relay keeps trying. */
  async start(): Promise<void> {
    await this.connectSystem();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    for (const connection of this.clients.values()) connection.close();
    this.clients.clear();
    this.shared?.close();
    this.system?.close();
    this.system = undefined;
    this.available.next(false);
    this.available.complete();
    this.clusterMessages.complete();
  }

  async connect(subscriber: BrokerSubscriber): Promise<void> {
    this.requireAvailable();
    const handlers: BrokerConnectionHandlers = {
      onFrame: (frame, raw) => this.toClient(subscriber, frame, raw),
      onLost: (reason) => {
        this.clients.delete(subscriber);
        subscriber.brokerLost(`Lost the connection to the message broker (${reason}); reconnect later`);
      },
    };
    const connection = await this.openAny(this.settings.clientLogin, this.settings.clientPasscode, handlers);
    // The client may have gone while its broker connection was being opened.
    if (subscriber.isClosed) connection.close();
    else this.clients.set(subscriber, connection);
  }

  async subscribe(subscriber: BrokerSubscriber, subscriptionId: string, destination: string, headers: StompHeaders): Promise<void> {
    this.clientQueues.check('SUBSCRIBE', destination, subscriber.principal);
    const extra = relaySubscribeHeaders(destination, headers);
    // Shared or not, a session whose own broker connection is gone subscribes to nothing more.
    const connection = this.clientConnection(subscriber);
    // Either way the broker's RECEIPT, not our own, answers the client: the subscription is live at the broker.
    if (this.shared && isShareable(destination, extra)) return this.shared.subscribe(subscriber, subscriptionId, destination, () => this.trySubscribing(connection, destination));
    await connection.request({ command: 'SUBSCRIBE', headers: { ...extra, id: subscriptionId, destination } });
  }

  /** A SUBSCRIBE to `destination` on a client's own connection, undone once the broker confirmed it (see SharedTopicSubscriptions.subscribe). */
  private async trySubscribing(connection: BrokerConnection, destination: string): Promise<void> {
    const id = `${TRIAL_SUBSCRIPTION}${this.trials++}`;
    await connection.request({ command: 'SUBSCRIBE', headers: { id, destination } });
    connection.send({ command: 'UNSUBSCRIBE', headers: { id } });
  }

  unsubscribe(subscriber: BrokerSubscriber, subscriptionId: string): void {
    if (this.shared?.has(subscriber, subscriptionId)) this.shared.unsubscribe(subscriber, subscriptionId);
    else this.clients.get(subscriber)?.send({ command: 'UNSUBSCRIBE', headers: { id: subscriptionId } });
  }

  unsubscribeAll(subscriber: BrokerSubscriber): void {
    this.shared?.unsubscribeAll(subscriber);
    this.clients.get(subscriber)?.close();
    this.clients.delete(subscriber);
  }

  /**
   * Resolves on the broker's RECEIPT: a resolved publish means the broker has the message. A
   * client's SEND (`from`) goes through the `clientQueues` rules and loses its queue-shaping headers;
   * a server-side send goes as it is.
   */
  async publish(message: BrokerMessage, from?: BrokerSubscriber): Promise<void> {
    const { destination } = message;
    if (!from) {
      await this.systemConnection().request({ command: 'SEND', headers: { ...forwardable(message.headers), destination }, body: message.body });
      return;
    }
    // Checked without waiting: the SEND must leave before this client's next one (pipelined SENDs).
    this.clientQueues.check('SEND', destination, from.principal);
    const headers = this.clientQueues.sendHeaders(destination, forwardable(message.headers));
    await this.clientConnection(from).request({ command: 'SEND', headers: { ...headers, destination }, body: message.body });
  }

  /**
   * The broker connection speaks STOMP 1.2, where an ACK names its message by `id`; a 1.0/1.1
   * client names it by `message-id`, which RabbitMQ gives the same value as the `ack` id.
   */
  async acknowledge(subscriber: BrokerSubscriber, command: 'ACK' | 'NACK', headers: StompHeaders): Promise<void> {
    const forwarded = forwardable(headers);
    if (subscriber.version !== '1.2' && forwarded['message-id'] !== undefined) forwarded.id = forwarded['message-id'];
    await this.clientConnection(subscriber).request({ command, headers: forwarded });
  }

  private toClient(subscriber: BrokerSubscriber, frame: StompFrame, raw: Buffer): void {
    if (frame.command === 'ERROR') {
      // Ending the session closes its broker connection too (unsubscribeAll).
      subscriber.brokerLost(`The message broker sent an ERROR: ${describeError(frame)}`);
      return;
    }
    // A message that reached a trial subscription before it was undone is not the client's.
    if (frame.command !== 'MESSAGE' || frame.headers.subscription?.startsWith(TRIAL_SUBSCRIPTION)) return;
    if (subscriber.version === '1.2') {
      // The broker's bytes, with only what must change cut out: the client speaks the broker's version.
      subscriber.deliver(relayedMessageBytes(raw, frame.body.length), isBinaryBody(frame.headers['content-type'], frame.body));
      return;
    }
    // An older client gets the message decoded and encoded again, in its version's escaping.
    const headers: Record<string, string> = {};
    for (const name in frame.headers) if (!NOT_DELIVERED.has(name)) headers[name] = frame.headers[name]!;
    const writable = writableHeaders('MESSAGE', headers, subscriber.version);
    subscriber.deliverFrame({ command: 'MESSAGE', headers: writable, body: frame.body }, isBinaryBody(headers['content-type'], frame.body));
  }

  private async connectSystem(): Promise<void> {
    if (this.closed) return;
    try {
      this.system = await this.openAny(this.settings.systemLogin, this.settings.systemPasscode, {
        onFrame: (frame) => {
          if (frame.command === 'MESSAGE' && frame.headers.destination === CLUSTER_DESTINATION) this.clusterMessages.next(frame.body.toString('utf8'));
        },
        onLost: (reason) => {
          // Lost before it was up: connectSystem's catch schedules the retry.
          if (!this.available.value) return;
          this.logger.warn(`System connection to the broker lost (${reason}); reconnecting`);
          this.system = undefined;
          this.available.next(false);
          this.scheduleReconnect();
        },
      });
      if (this.closed) {
        this.system.close();
        this.system = undefined;
        return;
      }
      await this.system.request({ command: 'SUBSCRIBE', headers: { id: 'cluster', destination: CLUSTER_DESTINATION } });
      this.reconnectDelay = this.settings.reconnectDelay;
      this.logger.log(`Connected to the STOMP broker at ${describe(this.system.address)}${this.system.server ? ` (${this.system.server})` : ''}`);
      this.warnIfNotRabbitMq(this.system.server);
      this.available.next(true);
    } catch (error) {
      this.system?.close();
      this.system = undefined;
      this.logger.warn(`${(error as Error).message}; retrying in ${this.reconnectDelay} ms`);
      this.available.next(false);
      this.scheduleReconnect();
    }
  }

  /**
   * The channel between instances is a RabbitMQ exchange, where every instance gets each message.
   * Another broker (ActiveMQ) takes the destination as a queue, whose messages go to one instance
   * each: fine for one instance, wrong for several. Said once, at the first connection.
   */
  private warnIfNotRabbitMq(server: string | undefined): void {
    if (this.warnedAboutCluster || server?.startsWith('RabbitMQ')) return;
    this.warnedAboutCluster = true;
    this.logger.warn(
      `The STOMP broker is ${server ?? 'not RabbitMQ (it names no server)'}: user destinations and the user registry are shared between application instances through RabbitMQ's amq.direct exchange, so with this broker run a single instance (or use RabbitMQ or the Redis broker for several)`,
    );
  }

  private scheduleReconnect(): void {
    if (this.closed) return;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => void this.connectSystem(), this.reconnectDelay);
    this.reconnectDelay = Math.min(this.reconnectDelay * 2, this.settings.maxReconnectDelay);
  }

  /** Each address in turn, starting with the one that answered last (failover). */
  private async openAny(login: string, passcode: string, handlers: BrokerConnectionHandlers): Promise<BrokerConnection> {
    const { addresses } = this.settings;
    const failures: string[] = [];
    for (let i = 0; i < addresses.length; i++) {
      const index = (this.preferred + i) % addresses.length;
      try {
        const connection = await BrokerConnection.open(
          { address: addresses[index]!, login, passcode, virtualHost: this.settings.virtualHost, heartbeat: this.settings.heartbeat, connectTimeout: this.settings.connectTimeout },
          handlers,
        );
        this.preferred = index;
        return connection;
      } catch (error) {
        failures.push((error as Error).message);
      }
    }
    throw new Error(failures.join('; '));
  }

  private clientConnection(subscriber: BrokerSubscriber): BrokerConnection {
    const connection = this.clients.get(subscriber);
    if (!connection?.isOpen) throw this.unavailable();
    return connection;
  }

  private systemConnection(): BrokerConnection {
    if (!this.system?.isOpen) throw this.unavailable();
    return this.system;
  }

  private requireAvailable(): void {
    if (!this.available.value) throw this.unavailable();
  }

  private unavailable(): StompBrokerUnavailableError {
    return new StompBrokerUnavailableError(`The message broker is unavailable (${this.settings.addresses.map(describe).join(', ')} cannot be reached); try again later`);
  }
}

function forwardable(headers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in headers) if (!NOT_FORWARDED.has(name)) out[name] = headers[name]!;
  return out;
}

function describe(address: StompBrokerAddress): string {
  return `${address.host}:${address.port}`;
}
