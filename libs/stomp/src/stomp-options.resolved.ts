import type { LogLevel } from '@nestjs/common';
import type { ResolvedAsyncApiOptions } from './asyncapi/asyncapi.options.js';
import type { BrokerSettings } from './broker/broker.options.js';
import type { MessageBroker } from './broker/message-broker.js';
import type { RetentionSettings } from './broker/retention/retention.options.js';
import type { StompAuthorizationOptions } from './session/destination-authorization.js';
import type { StompChannelInterceptor } from './session/stomp-channel-interceptor.js';
import type { ProxyTrust } from './transport/client-address.js';
import type { EndpointSettings } from './transport/endpoint-settings.js';
import type { UserRegistryBroadcastSettings } from './users/user-registry-broadcast.settings.js';
import type { StompAuthenticator } from './interfaces/stomp-principal.interface.js';
import type { MetricsSettings } from './metrics/metrics-settings.js';

/** The options after the resolver applied the defaults and derived the limits: what every stage reads, each through its own settings interface. */
export type ResolvedStompEndpoint = EndpointSettings;

export interface ResolvedStompOptions {
  readonly endpoints: readonly ResolvedStompEndpoint[];
  readonly broker: BrokerSettings | MessageBroker;
  readonly appPrefixes: readonly string[];
  readonly brokerPrefixes: readonly string[];
  readonly defaultDestinationPrefix: string;
  readonly userDestinationPrefix: string;
  readonly errorDestination: string | false;
  readonly unmappedDestinations: 'report' | 'error';
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
  /** Each ending in `/`. */
  readonly queuePrefixes: readonly string[];
  readonly maxQueuedMessages: number;
  readonly maxQueuedBytes: number;
  readonly queueOverflow: 'drop-head' | 'reject-publish';
  readonly prefetchCount: number;
  readonly maxPrefetchCount: number;
  readonly maxFramesPerSecond: number;
  readonly maxConnections: number;
  /** `Infinity` when the option turned the limit off. */
  readonly maxConnectionsPerAddress: number;
  readonly trustProxy: ProxyTrust;
  readonly sendBufferSizeLimit: number;
  readonly sendTimeLimit: number;
  readonly pingInterval: number;
  readonly maxTransactionsPerSession: number;
  readonly maxFramesPerTransaction: number;
  readonly maxUnconfirmedSends: number;
  readonly maxTransactionBytes: number;
  readonly incompleteFrameTimeout: number;
  readonly minFrameDataRate: number;
  readonly maxWebSocketMessageSize: number;
  readonly maxSockJsRequestBody: number;
  readonly maxQueuedInboundBytes: number;
  readonly maxUnconfirmedSendBytes: number;
  readonly authorization: StompAuthorizationOptions | undefined;
  readonly userRegistryBroadcast: UserRegistryBroadcastSettings;
  readonly logLevels: readonly LogLevel[];
  readonly asyncApi: ResolvedAsyncApiOptions;
  readonly metrics: MetricsSettings;
  readonly statsLogInterval: number;
  /** The `retention` rules, limits defaulted, in the order given. */
  readonly retention: readonly RetentionSettings[];
  /** Bytes the embedded broker's history keeps across all retained destinations. */
  readonly maxHistoryBytes: number;
}
