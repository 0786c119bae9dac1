import type { StompBrokerOptions } from './broker/broker.options.js';
import type { MessageBroker } from './broker/message-broker.js';
import { PATTERN_SUBSCRIPTION_DEFAULTS } from './broker/simple/pattern-budget.js';
import type { StompAuthorizationOptions } from './session/destination-authorization.js';
import type { StompChannelInterceptor } from './session/stomp-channel-interceptor.js';
import type { EndpointSettings } from './transport/endpoint-settings.js';
import type { StompAuthenticator, StompPrincipal } from './interfaces/stomp-principal.interface.js';

export type { StompBrokerOptions } from './broker/broker.options.js';
export type { StompRedisOptions } from './broker/redis/redis.options.js';
export type { StompBrokerAddress, StompRelayOptions } from './broker/relay/relay.options.js';
export type { StompClientQueueRule } from './broker/relay/client-queue-policy.js';
export type { StompAudience, StompAuthorizationOptions, StompAuthorizationRule } from './session/destination-authorization.js';

/** SockJS fallback settings; the defaults are Spring's. */
export interface StompSockJsOptions {
  /** Interval of SockJS's own heart-beat frames, in ms. Default 25000. */
  readonly heartbeatDelay?: number;
  /** How long a SockJS session survives without a receiving connection, in ms. Default 5000. */
  readonly disconnectDelay?: number;
  /** Bytes sent on one streaming HTTP response before the client must open another. Default 131072. */
  readonly responseLimit?: number;
  /**
   * Where the iframe-based transports (for browsers that cannot do cross-origin XHR) load the
   * SockJS client from (Spring's `clientLibraryUrl`). Default `{path}/sockjs.min.js`, served by
   * the endpoint from the `sockjs-client` package when it is installed: nothing loads from a CDN.
   */
  readonly clientLibraryUrl?: string;
}

/** One URL clients connect to. */
export interface StompEndpointOptions {
  /** Path of the endpoint, e.g. `/portfolio`. */
  readonly path: string;
  /**
   * Serve SockJS on `path` too (Spring's `withSockJS()`); raw WebSocket is then also at
   * `{path}/websocket`. `true` for the defaults. Default `false`.
   */
  readonly sockJs?: boolean | StompSockJsOptions;
  /**
   * Browser origins allowed to connect, as exact origins (`https://example.com`) or patterns with
   * `*` (`https://*.example.com`); `['*']` allows any. Requests with no `Origin` header (non-browser
   * clients) and same-origin requests are always allowed. Default `[]`: same origin only, as Spring.
   */
  readonly allowedOrigins?: readonly string[];
}

export interface StompModuleOptions {
  /** Where clients connect: a path (raw WebSocket), one endpoint, or several. Required. */
  readonly endpoint: string | StompEndpointOptions | readonly StompEndpointOptions[];
  /**
   * Destination prefixes routed to `@MessageMapping` handlers (Spring's
   * `setApplicationDestinationPrefixes`). Default `['/app']`.
   */
  readonly appPrefixes?: readonly string[];
  /**
   * Destination prefixes handled by the broker: clients SUBSCRIBE to them and SEND straight to them
   * (Spring's `enableSimpleBroker(...)`). Default `['/topic', '/queue']`.
   */
  readonly brokerPrefixes?: readonly string[];
  /**
   * Where a handler's return value goes when it has no `@SendTo`: this prefix plus the mapped
   * destination (`/app/chat.send` → `/topic/chat.send`), as Spring. Default `'/topic'`.
   */
  readonly defaultDestinationPrefix?: string;
  /**
   * The broker: `{ kind: 'simple' }` (embedded, in memory), `{ kind: 'relay', ... }` (an external
   * STOMP broker), `{ kind: 'redis', ... }` (several instances over Redis), or your own
   * `MessageBroker` instance. Default `{ kind: 'simple' }`.
   */
  readonly broker?: StompBrokerOptions | MessageBroker;
  /**
   * Prefix of user destinations: a client subscribes to `/user/queue/x` and receives what is sent to
   * its user (`convertAndSendToUser`, `@SendToUser`, or a SEND to `/user/{name}/queue/x`). Default
   * `'/user/'`.
   */
  readonly userDestinationPrefix?: string;
  /**
   * Where a handler's unhandled error is reported to the session that sent the message, as a user
   * destination: the client subscribes to `/user` + this (`/user/queue/errors`). Must be under a
   * broker prefix. `false` only logs. Default `'/queue/errors'`.
   */
  readonly errorDestination?: string | false;
  /**
   * Decides who each session belongs to, from the CONNECT headers (`login`/`passcode`, a token) and
   * the HTTP handshake. Throw to refuse the CONNECT. Default: every session is anonymous (its user
   * destinations are its own).
   */
  readonly authenticate?: StompAuthenticator;
  /** Inbound and outbound frame hooks, run in order. Default none. */
  readonly interceptors?: readonly StompChannelInterceptor[];
  /**
   * Separator of destination segments for `*`, `**` and `{var}` in mappings and subscriptions:
   * `'/'` or `'.'` (Spring's `AntPathMatcher(".")`). Default `'/'`.
   */
  readonly pathSeparator?: '/' | '.';
  /**
   * Heart-beat the server offers in CONNECTED, `[sx, sy]` in ms: it can send every `sx` and wants to
   * hear from the client every `sy`. `[0, 0]` disables heart-beating. Default `[10000, 10000]`.
   */
  readonly heartbeat?: readonly [number, number];
  /**
   * How many agreed receive intervals may pass without a byte from the client before the server
   * closes the connection. Default `3`.
   */
  readonly heartbeatGraceFactor?: number;
  /** Largest inbound frame in bytes, headers included (Spring's `messageSizeLimit`). Default 65536. */
  readonly maxFrameSize?: number;
  /** Most headers in one inbound frame. Default 64. */
  readonly maxHeaders?: number;
  /** Longest command or header line of an inbound frame, in bytes. Default 8192. */
  readonly maxHeaderLineLength?: number;
  /**
   * Time a new connection has to send CONNECT before it is closed, in ms (Spring's
   * `timeToFirstMessage`). Default 60000.
   */
  readonly connectTimeout?: number;
  /** Most subscriptions one session may hold at once. Default 1000. */
  readonly maxSubscriptionsPerSession?: number;
  /**
   * Most pattern subscriptions (`*`, `?`, `**`) one session may hold at once, on the embedded and
   * Redis brokers (the relay leaves matching to the external broker). Default 100.
   */
  readonly maxPatternSubscriptionsPerSession?: number;
  /** Most pattern subscriptions all sessions of this instance may hold together (embedded and Redis brokers). Default 100000. */
  readonly maxPatternSubscriptions?: number;
  /**
   * Most frames a session may send per second, averaged over a burst of twice as many; beyond it
   * the session gets an ERROR and is closed. Default 5000.
   */
  readonly maxFramesPerSecond?: number;
  /** Most open connections, all endpoints together; the next handshake gets HTTP 503. Default 20000. */
  readonly maxConnections?: number;
  /** Most open connections from one client address; the next handshake gets HTTP 429. Default 1000. */
  readonly maxConnectionsPerAddress?: number;
  /**
   * Bytes that may wait unsent to one WebSocket client (Spring's `sendBufferSizeLimit`); a client
   * that lets more pile up is too slow and is closed with 4500. Default 524288 (512 KiB).
   */
  readonly sendBufferSizeLimit?: number;
  /**
   * How long sends to one WebSocket client may stay stuck in its buffer (Spring's `sendTimeLimit`)
   * before it is closed with 4500, in ms. Default 10000.
   */
  readonly sendTimeLimit?: number;
  /**
   * Every this many ms each raw WebSocket connection is pinged, and one that did not answer the
   * previous ping is closed: finds dead peers (a half-open TCP connection) even when the client
   * declined STOMP heart-beats. `0` turns it off. SockJS has its own heart-beat. Default 25000.
   */
  readonly pingInterval?: number;
  /** Who may SEND to and SUBSCRIBE to which destinations. Default: everyone, everywhere. */
  readonly authorization?: StompAuthorizationOptions;
}

export type ResolvedStompEndpoint = EndpointSettings;

export interface ResolvedStompOptions {
  readonly endpoints: readonly ResolvedStompEndpoint[];
  readonly broker: StompBrokerOptions | MessageBroker;
  readonly appPrefixes: readonly string[];
  readonly brokerPrefixes: readonly string[];
  readonly defaultDestinationPrefix: string;
  readonly userDestinationPrefix: string;
  readonly errorDestination: string | false;
  readonly authenticate: StompAuthenticator | undefined;
  readonly interceptors: readonly StompChannelInterceptor[];
  readonly pathSeparator: '/' | '.';
  readonly heartbeat: readonly [number, number];
  readonly heartbeatGraceFactor: number;
  readonly maxFrameSize: number;
  readonly maxHeaders: number;
  readonly maxHeaderLineLength: number;
  readonly connectTimeout: number;
  readonly maxSubscriptionsPerSession: number;
  readonly maxPatternSubscriptionsPerSession: number;
  readonly maxPatternSubscriptions: number;
  readonly maxFramesPerSecond: number;
  readonly maxConnections: number;
  readonly maxConnectionsPerAddress: number;
  readonly sendBufferSizeLimit: number;
  readonly sendTimeLimit: number;
  readonly pingInterval: number;
  readonly authorization: StompAuthorizationOptions | undefined;
}

export const STOMP_DEFAULTS = {
  broker: { kind: 'simple' },
  appPrefixes: ['/app'],
  brokerPrefixes: ['/topic', '/queue'],
  defaultDestinationPrefix: '/topic',
  userDestinationPrefix: '/user/',
  errorDestination: '/queue/errors',
  interceptors: [],
  pathSeparator: '/',
  heartbeat: [10000, 10000],
  heartbeatGraceFactor: 3,
  maxFrameSize: 64 * 1024,
  maxHeaders: 64,
  maxHeaderLineLength: 8 * 1024,
  connectTimeout: 60_000,
  maxSubscriptionsPerSession: 1000,
  maxPatternSubscriptionsPerSession: PATTERN_SUBSCRIPTION_DEFAULTS.maxPatternSubscriptionsPerSession,
  maxPatternSubscriptions: PATTERN_SUBSCRIPTION_DEFAULTS.maxPatternSubscriptions,
  maxFramesPerSecond: 5000,
  maxConnections: 20_000,
  maxConnectionsPerAddress: 1000,
  sendBufferSizeLimit: 512 * 1024,
  sendTimeLimit: 10_000,
  pingInterval: 25_000,
  sockJs: { heartbeatDelay: 25_000, disconnectDelay: 5_000, responseLimit: 128 * 1024 },
} as const satisfies Omit<Required<StompModuleOptions>, 'endpoint' | 'pathSeparator' | 'authenticate' | 'errorDestination' | 'broker' | 'authorization'> & {
  broker: { kind: 'simple' };
  errorDestination: string;
  pathSeparator: '/';
  sockJs: Omit<Required<StompSockJsOptions>, 'clientLibraryUrl'>;
};
