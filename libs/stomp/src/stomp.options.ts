import type { LogLevel } from '@nestjs/common';
import type { StompAsyncApiOptions } from './asyncapi/asyncapi.options.js';
import type { StompBrokerOptions } from './broker/broker.options.js';
import type { StompJetStreamOptions } from './broker/jetstream/jetstream.options.js';
import type { StompKafkaOptions } from './broker/kafka/kafka.options.js';
import type { StompRedisOptions } from './broker/redis/redis.options.js';
import type { StompRelayOptions } from './broker/relay/relay.options.js';
import type { StompRetentionOptions } from './broker/retention/retention.options.js';
import type { MessageBroker } from './broker/message-broker.js';
import type { StompAuthorizationOptions } from './session/destination-authorization.js';
import type { StompChannelInterceptor } from './session/stomp-channel-interceptor.js';
import type { TrustProxy } from './transport/client-address.js';
import type { UserRegistryBroadcastOptions } from './users/user-registry-broadcast.settings.js';
import type { StompAuthenticator } from './interfaces/stomp-principal.interface.js';
import type { StompMetricsOptions } from './metrics/metrics-settings.js';
import type { StompEndpointOptions, StompSockJsOptions } from './stomp-endpoint.options.js';

export type { StompEndpointOptions, StompSockJsOptions } from './stomp-endpoint.options.js';
export type { ResolvedStompEndpoint, ResolvedStompOptions } from './stomp-options.resolved.js';
export type { StompAsyncApiOptions } from './asyncapi/asyncapi.options.js';
export type { StompBrokerOptions } from './broker/broker.options.js';
export type { StompRedisOptions } from './broker/redis/redis.options.js';
export type { StompJetStreamOptions } from './broker/jetstream/jetstream.options.js';
export type { StompKafkaOptions } from './broker/kafka/kafka.options.js';
export type { StompBrokerAddress, StompRelayOptions } from './broker/relay/relay.options.js';
export type { StompClientQueueRule } from './broker/relay/client-queue-policy.js';
export type { UserRegistryBroadcastOptions } from './users/user-registry-broadcast.settings.js';
export type { StompMetricsOptions, MetricsRegistry } from './metrics/metrics-settings.js';
export type { TrustProxy } from './transport/client-address.js';
export type { StompAudience, StompAuthorizationOptions, StompAuthorizationRule } from './session/destination-authorization.js';

export interface StompModuleOptions {
  /** Where clients connect: a path (raw WebSocket), one endpoint, or several. Required. */
  readonly endpoint: string | StompEndpointOptions | readonly StompEndpointOptions[];
  /**
   * Destination prefixes routed to `@MessageMapping` handlers (Spring's
   * `setApplicationDestinationPrefixes`). Default: `STOMP_DEFAULTS.appPrefixes`.
   */
  readonly appPrefixes?: readonly string[];
  /**
   * Destination prefixes handled by the broker: clients SUBSCRIBE to them and SEND straight to them
   * (Spring's `enableSimpleBroker(...)`). Default: `STOMP_DEFAULTS.brokerPrefixes`.
   */
  readonly brokerPrefixes?: readonly string[];
  /**
   * Where a handler's return value goes when it has no `@SendTo`: this prefix plus the mapped
   * destination (`/app/chat.send` → `/topic/chat.send`), as Spring. Default: `STOMP_DEFAULTS.defaultDestinationPrefix`.
   */
  readonly defaultDestinationPrefix?: string;
  /**
   * The broker: `{ kind: 'simple' }` (embedded, in memory), `{ kind: 'relay', ... }` (an external
   * STOMP broker), `{ kind: 'redis', ... }` (several instances over Redis), `{ kind: 'jetstream', ... }`
   * (several instances over NATS JetStream, with replay), `{ kind: 'kafka', ... }` (several instances
   * over Apache Kafka, with replay), or your own `MessageBroker` instance. Default:
   * `STOMP_DEFAULTS.broker`; the relay's, Redis's, JetStream's and Kafka's own settings default to
   * `STOMP_DEFAULTS.relay`, `STOMP_DEFAULTS.redis`, `STOMP_DEFAULTS.jetstream` and `STOMP_DEFAULTS.kafka`.
   */
  readonly broker?: StompBrokerOptions | MessageBroker;
  /**
   * Prefix of user destinations: a client subscribes to `/user/queue/x` and receives what is sent to
   * its user (`convertAndSendToUser`, `@SendToUser`, or a SEND to `/user/{name}/queue/x`). Default:
   * `STOMP_DEFAULTS.userDestinationPrefix`.
   */
  readonly userDestinationPrefix?: string;
  /**
   * Where a handler's unhandled error is reported to the session that sent the message, as a user
   * destination: the client subscribes to `/user` + this (`/user/queue/errors`). Must be under a
   * broker prefix. `false` only logs. Default: `STOMP_DEFAULTS.errorDestination`.
   */
  readonly errorDestination?: string | false;
  /**
   * What a SEND (or SUBSCRIBE) to an application destination that no `@MessageMapping` (or
   * `@SubscribeMapping`) maps does: `'report'` tells the sender on its `errorDestination`, naming the
   * destination, and keeps the session (a client's typo does not cost it its connection; Spring only
   * logs and drops it); `'error'` answers with an ERROR and closes the session. Either way a debug
   * line is logged. Default: `STOMP_DEFAULTS.unmappedDestinations`.
   */
  readonly unmappedDestinations?: 'report' | 'error';
  /**
   * Decides who each session belongs to, from the CONNECT headers (`login`/`passcode`, a token) and
   * the HTTP handshake. Throw to refuse the CONNECT. Default: every session is anonymous (its user
   * destinations are its own).
   */
  readonly authenticate?: StompAuthenticator;
  /** Inbound and outbound frame hooks, run in order. Default: `STOMP_DEFAULTS.interceptors`. */
  readonly interceptors?: readonly StompChannelInterceptor[];
  /**
   * Separator of destination segments for `*`, `**` and `{var}` in mappings and subscriptions:
   * `'/'` or `'.'` (Spring's `AntPathMatcher(".")`). Default: `STOMP_DEFAULTS.pathSeparator`.
   */
  readonly pathSeparator?: '/' | '.';
  /**
   * Heart-beat the server offers in CONNECTED, `[sx, sy]` in ms: it can send every `sx` and wants to
   * hear from the client every `sy`. `[0, 0]` disables heart-beating. Default: `STOMP_DEFAULTS.heartbeat`.
   */
  readonly heartbeat?: readonly [number, number];
  /**
   * How many agreed receive intervals may pass without a byte from the client before the server
   * closes the connection. Default: `STOMP_DEFAULTS.heartbeatGraceFactor`.
   */
  readonly heartbeatGraceFactor?: number;
  /**
   * Largest inbound frame in bytes, headers included (Spring's `messageSizeLimit`). Other limits derive
   * from it (see `MAX_FRAME_SIZE_MULTIPLES`). Default: `STOMP_DEFAULTS.maxFrameSize`.
   */
  readonly maxFrameSize?: number;
  /** Most headers in one inbound frame. Default: `STOMP_DEFAULTS.maxHeaders`. */
  readonly maxHeaders?: number;
  /** Longest command or header line of an inbound frame, in bytes. Default: `STOMP_DEFAULTS.maxHeaderLineLength`. */
  readonly maxHeaderLineLength?: number;
  /**
   * Time a new connection has to send CONNECT before it is closed, in ms (Spring's
   * `timeToFirstMessage`). Default: `STOMP_DEFAULTS.connectTimeout`.
   */
  readonly connectTimeout?: number;
  /** Most subscriptions one session may hold at once. Default: `STOMP_DEFAULTS.maxSubscriptionsPerSession`. */
  readonly maxSubscriptionsPerSession?: number;
  /**
   * Most pattern subscriptions (`*`, `?`, `**`) one session may hold at once, on the embedded and
   * Redis brokers (the relay leaves matching to the external broker). Default:
   * `STOMP_DEFAULTS.maxPatternSubscriptionsPerSession`.
   */
  readonly maxPatternSubscriptionsPerSession?: number;
  /** Most pattern subscriptions all sessions of this instance may hold together (embedded and Redis brokers). Default: `STOMP_DEFAULTS.maxPatternSubscriptions`. */
  readonly maxPatternSubscriptions?: number;
  /**
   * Broker prefixes whose destinations are point-to-point queues (embedded and Redis brokers per instance, JetStream and Kafka across instances):
   * each message goes to one subscriber (round robin among the ready ones), as on RabbitMQ. `[]`
   * gives every subscriber a copy, as Spring's simple broker. Each must be under a broker prefix.
   * Default: `STOMP_DEFAULTS.queuePrefixes`.
   */
  readonly queuePrefixes?: readonly string[];
  /**
   * Most messages one point-to-point queue holds while none of its subscribers is ready (embedded
   * and Redis brokers); past it `queueOverflow` decides. Default: `STOMP_DEFAULTS.maxQueuedMessages`.
   */
  readonly maxQueuedMessages?: number;
  /**
   * Bytes the embedded (or each Redis) broker holds for all queues together: messages waiting for a
   * subscriber and delivered ones not yet acknowledged; past it `queueOverflow` decides. Default:
   * `STOMP_DEFAULTS.maxQueuedBytes`.
   */
  readonly maxQueuedBytes?: number;
  /**
   * What a full queue does with one more message: `'drop-head'` drops its oldest (RabbitMQ's
   * default), `'reject-publish'` refuses the new one (the sender gets an ERROR
   * `STOMP_ERR_QUEUE_FULL`, a template send rejects). Default: `STOMP_DEFAULTS.queueOverflow`.
   */
  readonly queueOverflow?: 'drop-head' | 'reject-publish';
  /**
   * Unacknowledged messages a `client` or `client-individual` subscription may hold when its
   * SUBSCRIBE has no `prefetch-count` header (embedded and Redis brokers). Default: `STOMP_DEFAULTS.prefetchCount`.
   */
  readonly prefetchCount?: number;
  /**
   * Largest `prefetch-count` a SUBSCRIBE may ask for; a bigger one gets an ERROR. Also the most
   * unacknowledged user-destination messages remembered per session (older ones count as
   * acknowledged). Default: `STOMP_DEFAULTS.maxPrefetchCount`.
   */
  readonly maxPrefetchCount?: number;
  /**
   * Most frames a session may send per second, averaged over a burst of twice as many; beyond it
   * the session gets an ERROR and is closed. Default: `STOMP_DEFAULTS.maxFramesPerSecond`.
   */
  readonly maxFramesPerSecond?: number;
  /** Most open connections, all endpoints together; the next handshake gets HTTP 503. Default: `STOMP_DEFAULTS.maxConnections`. */
  readonly maxConnections?: number;
  /**
   * Most open connections from one client address (see `trustProxy` behind a proxy); the next
   * handshake gets HTTP 429. `0` or `Infinity` turns the limit off. Default: `STOMP_DEFAULTS.maxConnectionsPerAddress`.
   */
  readonly maxConnectionsPerAddress?: number;
  /**
   * Which peers are proxies whose `X-Forwarded-For` header (or, when the request has none, RFC
   * 7239 `Forwarded`'s `for=` nodes) names the client, as Express's `trust proxy`: `false` (none:
   * the client is the socket's peer), `true` (all: the left-most address, which any client can forge), a number of proxy hops in front of the server, addresses,
   * CIDRs or `'loopback'`, `'linklocal'`, `'uniquelocal'` (a list, or a string with commas), or a
   * function `(address, hop) => boolean`. The chain is read from the right and stops at the first
   * address that is not trusted. The address found is the one `maxConnectionsPerAddress` counts,
   * `authenticate` sees as `handshake.remoteAddress`, and logs and events name.
   * Default: `STOMP_DEFAULTS.trustProxy`.
   */
  readonly trustProxy?: TrustProxy;
  /**
   * Bytes that may wait unsent to one WebSocket client (Spring's `sendBufferSizeLimit`); a client
   * that lets more pile up is too slow and is closed with 4500. Default: `STOMP_DEFAULTS.sendBufferSizeLimit`.
   */
  readonly sendBufferSizeLimit?: number;
  /**
   * How long sends to one WebSocket client may stay stuck in its buffer (Spring's `sendTimeLimit`)
   * before it is closed with 4500, in ms. Default: `STOMP_DEFAULTS.sendTimeLimit`.
   */
  readonly sendTimeLimit?: number;
  /**
   * Every this many ms each raw WebSocket connection and SockJS websocket session is pinged, and one
   * that did not answer the previous ping is closed: finds dead peers (a half-open TCP connection)
   * even when the client declined STOMP heart-beats. `0` turns it off. SockJS's HTTP transports end
   * with their requests (`sockJs.disconnectDelay`). Default: `STOMP_DEFAULTS.pingInterval`.
   */
  readonly pingInterval?: number;
  /** Most transactions one session may have open at once. Default: `STOMP_DEFAULTS.maxTransactionsPerSession`. */
  readonly maxTransactionsPerSession?: number;
  /** Most frames one transaction may hold before its COMMIT. Default: `STOMP_DEFAULTS.maxFramesPerTransaction`. */
  readonly maxFramesPerTransaction?: number;
  /**
   * Broker SENDs (without `receipt`) one session may have awaiting the broker's confirmation while it
   * goes on with its next frames; beyond it the session waits. Default: `STOMP_DEFAULTS.maxUnconfirmedSends`.
   */
  readonly maxUnconfirmedSends?: number;
  /**
   * Bytes all open transactions of one session may hold together (each held SEND or ACK counts its
   * body plus 256); a frame that would pass it gets an ERROR. Default: `MAX_FRAME_SIZE_MULTIPLES.maxTransactionBytes`
   * × `maxFrameSize`.
   */
  readonly maxTransactionBytes?: number;
  /**
   * Longest a frame may stay incomplete (its bytes arriving over several WebSocket messages or
   * SockJS requests), in ms; then the session gets an ERROR and is closed (4500). Default:
   * `STOMP_DEFAULTS.incompleteFrameTimeout`.
   */
  readonly incompleteFrameTimeout?: number;
  /**
   * Fewest bytes per second an incomplete frame must arrive at, measured over windows of up to 5 s:
   * a drip-fed frame (slowloris) is closed with an ERROR (4500). Default: `STOMP_DEFAULTS.minFrameDataRate`.
   */
  readonly minFrameDataRate?: number;
  /** Who may SEND to and SUBSCRIBE to which destinations. Default: everyone, everywhere. */
  readonly authorization?: StompAuthorizationOptions;
  /**
   * With several instances on one broker: how often (`interval`, ms) and within how many bytes per
   * second (`maxBytesPerSecond`) each tells the others of its users. Default `{ interval: 100, maxBytesPerSecond: 1048576 }`.
   */
  readonly userRegistryBroadcast?: UserRegistryBroadcastOptions;
  /**
   * The levels the library itself writes (Nest's: `'fatal'`, `'error'`, `'warn'`, `'log'`, `'debug'`,
   * `'verbose'`), e.g. `['error', 'warn', 'log']` to keep its debug lines out of an application that
   * logs at debug. The application's logger and its own levels still apply after it. Default:
   * `STOMP_DEFAULTS.logLevels` (all).
   */
  readonly logLevels?: readonly LogLevel[];
  /**
   * Serve an AsyncAPI 3.0 document of the STOMP API (`/asyncapi.json`) and a page rendering it
   * (`/asyncapi`) on the HTTP server; `true` for the defaults (`STOMP_DEFAULTS.asyncApiDocument`). Default off.
   */
  readonly asyncApi?: StompAsyncApiOptions | boolean;
  /**
   * Prometheus metrics on a prom-client registry (README "Metrics"): `{ enabled, registry, prefix }`.
   * Default `{ enabled: false, prefix: '' }`, the registry prom-client's default `register`.
   */
  readonly metrics?: StompMetricsOptions;
  /**
   * Interval of the summary line the library logs (sessions, frames, messages, closes, errors,
   * broker), in ms, as Spring's `WebSocketMessageBrokerStats`; `0` turns it off. Default
   * `STOMP_DEFAULTS.statsLogInterval` (30 minutes).
   */
  readonly statsLogInterval?: number;
  /**
   * Which broker destinations are kept in a replayable log, and how much of each (README
   * "Durable messaging"): rules `{ destinations, maxMessages, maxAge, maxBytes }`, the first match
   * deciding. A subscriber of a retained destination replays it with `x-stream-offset`. Default
   * `[]` (nothing retained); each rule's limits default to `STOMP_DEFAULTS.retentionRule`.
   */
  readonly retention?: readonly StompRetentionOptions[];
  /**
   * The embedded broker's history (`broker: { kind: 'simple' }` with `retention` rules): most bytes
   * (bodies and headers) kept across all retained destinations together, so destinations a pattern
   * matches cannot add up without bound; past it, the least recently written destination loses its
   * oldest messages first. Default `STOMP_DEFAULTS.maxHistoryBytes` (256 MiB).
   */
  readonly maxHistoryBytes?: number;
}

/**
 * Every option's default, the relay's and Redis's included: the one place they are written. The
 * resolver applies them; README.md's Options section lists them.
 */
export const STOMP_DEFAULTS = {
  broker: { kind: 'simple' },
  appPrefixes: ['/app'],
  brokerPrefixes: ['/topic', '/queue'],
  defaultDestinationPrefix: '/topic',
  userDestinationPrefix: '/user/',
  errorDestination: '/queue/errors',
  unmappedDestinations: 'report',
  interceptors: [],
  pathSeparator: '/',
  heartbeat: [10000, 10000],
  heartbeatGraceFactor: 3,
  maxFrameSize: 64 * 1024,
  maxHeaders: 64,
  maxHeaderLineLength: 8 * 1024,
  connectTimeout: 60_000,
  maxSubscriptionsPerSession: 1000,
  maxPatternSubscriptionsPerSession: 100,
  maxPatternSubscriptions: 100_000,
  queuePrefixes: ['/queue'],
  maxQueuedMessages: 10_000,
  maxQueuedBytes: 64 * 1024 * 1024,
  queueOverflow: 'drop-head',
  prefetchCount: 100,
  maxPrefetchCount: 1000,
  maxFramesPerSecond: 5000,
  maxConnections: 20_000,
  maxConnectionsPerAddress: 1000,
  trustProxy: false,
  sendBufferSizeLimit: 512 * 1024,
  sendTimeLimit: 10_000,
  pingInterval: 25_000,
  maxTransactionsPerSession: 16,
  maxFramesPerTransaction: 1000,
  maxUnconfirmedSends: 1000,
  incompleteFrameTimeout: 30_000,
  minFrameDataRate: 1024,
  userRegistryBroadcast: { interval: 100, maxBytesPerSecond: 1024 * 1024 },
  metrics: { enabled: false, prefix: '' },
  statsLogInterval: 30 * 60_000,
  retention: [],
  /** Each `retention` rule's limits when it leaves them out. */
  retentionRule: { maxMessages: 10_000, maxAge: 24 * 60 * 60_000, maxBytes: 64 * 1024 * 1024 },
  maxHistoryBytes: 256 * 1024 * 1024,
  logLevels: ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'],
  /** Settings of each endpoint (`endpoint` itself is required). */
  eachEndpoint: { sockJs: false, allowedOrigins: [] },
  sockJs: { heartbeatDelay: 25_000, disconnectDelay: 5_000, responseLimit: 128 * 1024 },
  /** `asyncApi` (off by default) when it is on: where the document and its page are served, its `info`. */
  asyncApiDocument: { path: '/asyncapi.json', uiPath: '/asyncapi', info: { title: 'STOMP API', version: '1.0.0' }, publishes: [] },
  /** `broker: { kind: 'relay' }`: Spring's defaults, for a local RabbitMQ or ActiveMQ. */
  relay: {
    addresses: [{ host: '127.0.0.1', port: 61613 }],
    clientLogin: 'guest',
    clientPasscode: 'guest',
    systemLogin: 'guest',
    systemPasscode: 'guest',
    heartbeat: [10000, 10000],
    reconnectDelay: 1000,
    maxReconnectDelay: 30_000,
    connectTimeout: 5000,
    clientQueues: [],
    shareTopicSubscriptions: true,
  },
  /** `broker: { kind: 'redis' }`. */
  redis: {
    url: 'redis://127.0.0.1:6379',
    mode: 'pubsub',
    channelPrefix: 'nest-stomp',
    startTimeout: 5000,
    connectTimeout: 5000,
    commandTimeout: 5000,
    reconnectDelay: 100,
    maxReconnectDelay: 2000,
  },
  /** `broker: { kind: 'jetstream' }`, for a local NATS server with JetStream. */
  jetstream: {
    servers: ['nats://127.0.0.1:4222'],
    subjectPrefix: 'stomp',
    streamPrefix: 'STOMP',
    startTimeout: 5000,
    connectTimeout: 5000,
    reconnectDelay: 1000,
    publishTimeout: 5000,
    ackWait: 30_000,
    prefetch: 100,
    queueMaxMessages: 100_000,
    queueMaxAge: 24 * 60 * 60_000,
  },
  /** `broker: { kind: 'kafka' }`: a local single-node Kafka. */
  kafka: {
    brokers: ['127.0.0.1:9092'],
    clientId: 'nest-stomp',
    topicPrefix: 'nest-stomp',
    groupId: 'nest-stomp',
    startTimeout: 10_000,
    connectTimeout: 5000,
    requestTimeout: 10_000,
    reconnectDelay: 100,
    maxReconnectDelay: 2000,
    fetchMaxWait: 100,
    maxUnackedPerQueue: 1000,
    maxTopics: 10_000,
  },
} as const satisfies Omit<Required<StompModuleOptions>, 'endpoint' | 'pathSeparator' | 'authenticate' | 'errorDestination' | 'broker' | 'authorization' | 'maxTransactionBytes' | 'asyncApi'> & {
  broker: { kind: 'simple' };
  errorDestination: string;
  pathSeparator: '/';
  eachEndpoint: Omit<Required<StompEndpointOptions>, 'path' | 'publicOrigin'>;
  sockJs: Omit<Required<StompSockJsOptions>, 'clientLibraryUrl'>;
  relay: Omit<Required<StompRelayOptions>, 'kind' | 'virtualHost'>;
  redis: Omit<Required<StompRedisOptions>, 'kind'>;
  jetstream: Omit<Required<StompJetStreamOptions>, 'kind'>;
  kafka: Omit<Required<StompKafkaOptions>, 'kind' | 'replicationFactor'>;
  asyncApiDocument: Omit<Required<StompAsyncApiOptions>, 'host'>;
  retentionRule: Omit<Required<StompRetentionOptions>, 'destinations'>;
};

/**
 * The limits derived from `maxFrameSize`, as multiples of it (and `maxTransactionBytes`'s default):
 * the resolver computes each once, under its name, and the stage that enforces it reads that name
 * from its settings.
 */
export const MAX_FRAME_SIZE_MULTIPLES = {
  /** A WebSocket message may hold several frames; a bigger one is refused whole (close 1009). */
  maxWebSocketMessageSize: 4,
  /** A SockJS POST or SockJS websocket message carries frames JSON-escaped (a control byte takes six): room for a few whole frames. */
  maxSockJsRequestBody: 8,
  /** Frames that arrive while an earlier one is still being processed wait, up to this many bytes. */
  maxQueuedInboundBytes: 16,
  /** Pipelined SENDs awaiting the broker's confirmation are held to the same bytes as waiting frames. */
  maxUnconfirmedSendBytes: 16,
  /** What the open transactions of a session hold together: the `maxTransactionBytes` option's default. */
  maxTransactionBytes: 16,
} as const;
