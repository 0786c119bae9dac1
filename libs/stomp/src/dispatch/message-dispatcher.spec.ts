import { SimpleBroker } from '../broker/simple/simple-broker.js';
import type { BrokerMessage, BrokerSubscriber, MessageBroker } from '../broker/message-broker.js';
import { DestinationResolver, type DestinationSettings } from '../destinations/destination-resolver.js';
import { StompProtocolError } from '../errors/stomp-protocol.error.js';
import { StompEvents } from '../events/stomp-events.js';
import type { HandlerCall, HandlerInvoker } from '../handlers/handler-invoker.js';
import type { MessageHandler } from '../handlers/message-handler.js';
import type { SessionOutlet } from '../interfaces/stomp-session.interface.js';
import type { MessageFrameTemplate } from '../protocol/message-frame-template.js';
import type { StompHeaders } from '../protocol/stomp-frame.js';
import { ClusterChannel } from '../users/cluster-channel.js';
import { SimpUserRegistry } from '../users/simp-user-registry.js';
import { UserDestinations } from '../users/user-destinations.js';
import { MessageDispatcher } from './message-dispatcher.js';
import { refusalOf } from '../errors/protocol-error.testing.js';

const SETTINGS: DestinationSettings & { userDestinationPrefix: string } = {
  appPrefixes: ['/app/'],
  brokerPrefixes: ['/topic/', '/queue/'],
  userDestinationPrefix: '/user/',
  defaultDestinationPrefix: '/topic',
  pathSeparator: '/',
};
const PREFIXES = 'application prefixes: /app/; broker prefixes: /topic/, /queue/; user prefix: /user/';
const SESSION_QUEUE = '/queue/notes-user0a1b2c3d-0000-4000-8000-00000000abcd';

/**
 * The handler side: `@MessageMapping('/chat')` and `@SubscribeMapping('/init')`, and a record of the
 * calls; an unmapped destination is refused, as with `unmappedDestinations: 'error'`.
 */
class FakeHandlers {
  readonly calls: { kind: string; lookup: string; destination: string; body: string }[] = [];

  async dispatch(kind: MessageHandler['kind'], call: HandlerCall): Promise<void> {
    this.checkMapped(kind, call.destination, call.lookup);
    this.calls.push({ kind, lookup: call.lookup, destination: call.destination, body: call.body.toString() });
  }

  checkMapped(kind: MessageHandler['kind'], destination: string, lookup: string): void {
    const mapped = kind === 'message' ? '/chat' : '/init';
    if (lookup !== mapped) throw new StompProtocolError('STOMP_ERR_UNKNOWN_DESTINATION', `no ${kind} handler for '${destination}'`);
  }
}

/** The broker side: the embedded broker, with a record of what reached it. */
class RecordingBroker extends SimpleBroker implements MessageBroker {
  readonly published: { message: BrokerMessage; from: string | undefined }[] = [];
  readonly calls: string[] = [];
  /** The embedded broker has no `connect`: set by the test that needs it (and replaces `acknowledge`). */
  connect?: MessageBroker['connect'];

  override publish(message: BrokerMessage, from?: BrokerSubscriber): void {
    this.published.push({ message, from: from?.id });
    super.publish(message);
  }
  override subscribe(subscriber: BrokerSubscriber, subscriptionId: string, destination: string): void {
    this.calls.push(`subscribe ${subscriber.id} ${subscriptionId} ${destination}`);
    super.subscribe(subscriber, subscriptionId, destination);
  }
  override unsubscribe(subscriber: BrokerSubscriber, subscriptionId: string): void {
    this.calls.push(`unsubscribe ${subscriber.id} ${subscriptionId}`);
    super.unsubscribe(subscriber, subscriptionId);
  }
  override unsubscribeAll(subscriber: BrokerSubscriber): void {
    this.calls.push(`unsubscribeAll ${subscriber.id}`);
    super.unsubscribeAll(subscriber);
  }
}

/** A session as the stages below the session see it, keeping the MESSAGEs it is given. */
class FakeSession {
  readonly attributes = new Map<string, unknown>();
  readonly version = '1.2' as const;
  readonly isConnected = true;
  readonly isClosed = false;
  readonly transport = 'websocket' as const;
  readonly handshake = { headers: {}, url: '/ws', remoteAddress: undefined };
  readonly bufferedAmount = 0;
  readonly subscriptionDestinations = new Map<string, string>();
  readonly received: { subscriptionId: string; destination: string; body: string }[] = [];

  constructor(
    readonly id: string,
    public principal: { name: string } | undefined,
  ) {}

  get userName(): string {
    return this.principal?.name ?? this.id;
  }
  deliverMessage(template: MessageFrameTemplate, subscriptionId: string): void {
    this.received.push({ subscriptionId, destination: template.headers.destination!, body: template.body.toString() });
  }
  deliverFrame(): void {
    throw new Error('not expected here');
  }
  deliver(): void {
    throw new Error('not expected here');
  }
  brokerLost(): void {}
}

describe('MessageDispatcher', () => {
  let handlers: FakeHandlers;
  let broker: RecordingBroker;
  let events: StompEvents;
  let registry: SimpUserRegistry;
  let dispatcher: MessageDispatcher;
  let alice: FakeSession;
  const headers: StompHeaders = { 'content-type': 'text/plain', receipt: 'r-1', custom: 'kept' };

  beforeEach(() => {
    handlers = new FakeHandlers();
    broker = new RecordingBroker('/');
    events = new StompEvents();
    const destinations = new DestinationResolver(SETTINGS);
    const cluster = new ClusterChannel(broker);
    registry = new SimpUserRegistry(events, cluster, { userRegistryBroadcast: { interval: 100, maxBytesPerSecond: 1024 * 1024 } });
    const users = new UserDestinations({ ...SETTINGS, maxPrefetchCount: 1000 }, cluster, destinations, registry);
    dispatcher = new MessageDispatcher(handlers as unknown as HandlerInvoker, destinations, users, broker);
    alice = new FakeSession('s-alice', { name: 'alice' });
    events.emit({ type: 'connected', session: alice as unknown as SessionOutlet });
  });

  afterEach(() => {
    registry.onApplicationShutdown();
    events.onApplicationShutdown();
  });

  const session = () => alice as unknown as SessionOutlet;

  describe('SEND', () => {
    it('hands an application destination to its @MessageMapping handler, with the prefix removed for the lookup', async () => {
      await dispatcher.send(session(), '/app/chat', headers, Buffer.from('hi'));
      expect(handlers.calls).toEqual([{ kind: 'message', lookup: '/chat', destination: '/app/chat', body: 'hi' }]);
      expect(broker.published).toEqual([]);
    });

    it("publishes a broker destination with the sender's message headers", async () => {
      await dispatcher.send(session(), '/topic/news', headers, Buffer.from('extra'));
      expect(broker.published).toHaveLength(1);
      const { message, from } = broker.published[0]!;
      expect([message.destination, message.body.toString(), from]).toEqual(['/topic/news', 'extra', 's-alice']);
      // The frame's own headers (receipt) are not the message's.
      expect(message.headers).toMatchObject({ 'content-type': 'text/plain', custom: 'kept' });
      expect(message.headers).not.toHaveProperty('receipt');
    });

    it('drops the headers only a broker may write on a MESSAGE (a forged redelivered flag or stream offset)', async () => {
      await dispatcher.send(session(), '/queue/jobs', { ...headers, redelivered: 'true', 'x-stream-offset': '42' }, Buffer.from('job'));
      expect(broker.published[0]!.message.headers).toEqual({ 'content-type': 'text/plain', custom: 'kept' });
    });

    it("delivers a user destination to the user's subscriptions, never through the broker", async () => {
      alice.subscriptionDestinations.set('sub-1', '/user/queue/notes');
      await dispatcher.send(session(), '/user/alice/queue/notes', headers, Buffer.from('for alice'));
      expect(alice.received).toEqual([{ subscriptionId: 'sub-1', destination: '/user/queue/notes', body: 'for alice' }]);
      expect(broker.published).toEqual([]);
    });

    it('refuses a user destination that names no user, or whose target is no broker destination', () => {
      expect(refusalOf(() => dispatcher.send(session(), '/user/queue', headers, Buffer.alloc(0)))).toEqual([
        'STOMP_ERR_UNKNOWN_DESTINATION',
        "SEND to '/user/queue': a user destination names its user, e.g. '/user/{name}/queue/x'",
      ]);
      expect(refusalOf(() => dispatcher.send(session(), '/user/alice/elsewhere/x', headers, Buffer.alloc(0)))[0]).toBe('STOMP_ERR_UNKNOWN_DESTINATION');
    });

    it("refuses a session's resolved private queue, on SEND and SUBSCRIBE alike", () => {
      expect(refusalOf(() => dispatcher.send(session(), SESSION_QUEUE, headers, Buffer.alloc(0)))).toEqual([
        'STOMP_ERR_FORBIDDEN_DESTINATION',
        `SEND to '${SESSION_QUEUE}' is refused: it is a session's private user queue; use '/user/...' destinations instead`,
      ]);
      expect(refusalOf(() => dispatcher.subscribe(session(), 's', SESSION_QUEUE, {}))).toEqual([
        'STOMP_ERR_FORBIDDEN_DESTINATION',
        `SUBSCRIBE to '${SESSION_QUEUE}' is refused: it is a session's private user queue; use '/user/...' destinations instead`,
      ]);
      expect(broker.published).toEqual([]);
    });

    it('refuses a destination under no prefix, listing the prefixes', () => {
      expect(refusalOf(() => dispatcher.send(session(), '/elsewhere/x', headers, Buffer.alloc(0)))).toEqual([
        'STOMP_ERR_UNKNOWN_DESTINATION',
        `SEND to '/elsewhere/x': the destination matches no prefix (${PREFIXES})`,
      ]);
      expect(refusalOf(() => dispatcher.subscribe(session(), 's', 'topic/no-slash', {}))).toEqual([
        'STOMP_ERR_UNKNOWN_DESTINATION',
        `SUBSCRIBE to 'topic/no-slash': the destination matches no prefix (${PREFIXES})`,
      ]);
    });
  });

  describe('goesToBroker', () => {
    it('is true only for a SEND the broker takes alone', () => {
      expect(dispatcher.goesToBroker('/topic/news')).toBe(true);
      expect(dispatcher.goesToBroker('/queue/jobs')).toBe(true);
      expect(dispatcher.goesToBroker('/app/chat')).toBe(false);
      expect(dispatcher.goesToBroker('/user/alice/queue/notes')).toBe(false);
      // Refused destinations are not the broker's: the SEND must wait to be refused.
      expect(dispatcher.goesToBroker(SESSION_QUEUE)).toBe(false);
      expect(dispatcher.goesToBroker('/elsewhere')).toBe(false);
    });
  });

  describe('checkSend', () => {
    it('passes what send would take, sending nothing', () => {
      for (const destination of ['/app/chat', '/topic/news', '/user/alice/queue/notes']) dispatcher.checkSend(session(), destination);
      expect(handlers.calls).toEqual([]);
      expect(broker.published).toEqual([]);
    });

    it('refuses as send would: no handler, a malformed user destination, a forbidden or unknown one', () => {
      expect(refusalOf(() => dispatcher.checkSend(session(), '/app/nothing-here'))).toEqual(['STOMP_ERR_UNKNOWN_DESTINATION', "no message handler for '/app/nothing-here'"]);
      expect(refusalOf(() => dispatcher.checkSend(session(), '/user/queue'))[0]).toBe('STOMP_ERR_UNKNOWN_DESTINATION');
      expect(refusalOf(() => dispatcher.checkSend(session(), SESSION_QUEUE))[0]).toBe('STOMP_ERR_FORBIDDEN_DESTINATION');
      expect(refusalOf(() => dispatcher.checkSend(session(), '/elsewhere'))[1]).toBe(`SEND to '/elsewhere': the destination matches no prefix (${PREFIXES})`);
    });
  });

  describe('SUBSCRIBE and UNSUBSCRIBE', () => {
    it('invokes the @SubscribeMapping handler of an application destination, with an empty body', async () => {
      await dispatcher.subscribe(session(), 's1', '/app/init', {});
      expect(handlers.calls).toEqual([{ kind: 'subscribe', lookup: '/init', destination: '/app/init', body: '' }]);
      expect(broker.calls).toEqual([]);
    });

    it('subscribes a broker destination at the broker, and unsubscribes it there', () => {
      dispatcher.subscribe(session(), 's1', '/topic/news', {});
      dispatcher.unsubscribe(session(), 's1', '/topic/news');
      expect(broker.calls).toEqual(['subscribe s-alice s1 /topic/news', 'unsubscribe s-alice s1']);
    });

    it('keeps user and application subscriptions away from the broker', () => {
      dispatcher.subscribe(session(), 's1', '/user/queue/notes', {});
      dispatcher.unsubscribe(session(), 's1', '/user/queue/notes');
      dispatcher.unsubscribe(session(), 's2', '/app/init');
      expect(broker.calls).toEqual([]);
    });

    it('refuses a user subscription whose target is no broker destination', () => {
      expect(refusalOf(() => dispatcher.subscribe(session(), 's1', '/user/elsewhere/x', {}))[0]).toBe('STOMP_ERR_UNKNOWN_DESTINATION');
    });
  });

  it('hands CONNECT credentials, acknowledgements and the end of a session to the broker', async () => {
    const seen: string[] = [];
    broker.connect = (subscriber, login) => void seen.push(`connect ${subscriber.id} ${login.login}/${login.passcode}`);
    broker.acknowledge = (subscriber, command, h) => void seen.push(`${command} ${subscriber.id} ${h.id}`);
    await dispatcher.connect(session(), { login: 'alice', passcode: 'secret', host: 'ignored' });
    await dispatcher.acknowledge(session(), 'NACK', { id: 'm-1' });
    dispatcher.disconnected(session());
    expect(seen).toEqual(['connect s-alice alice/secret', 'NACK s-alice m-1']);
    expect(broker.calls).toEqual(['unsubscribeAll s-alice']);
  });
});
