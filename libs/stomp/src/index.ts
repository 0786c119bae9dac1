export { StompModule } from './stomp.module.js';
export type { StompModuleAsyncOptions, StompOptionsFactory } from './stomp.module-definition.js';
export type {
  StompModuleOptions,
  StompEndpointOptions,
  StompSockJsOptions,
  StompBrokerOptions,
  StompRelayOptions,
  StompRedisOptions,
  StompJetStreamOptions,
  StompKafkaOptions,
  StompBrokerAddress,
  StompClientQueueRule,
  StompAudience,
  StompAuthorizationRule,
  StompAuthorizationOptions,
  UserRegistryBroadcastOptions,
  TrustProxy,
  StompAsyncApiOptions,
  StompMetricsOptions,
  MetricsRegistry,
} from './stomp.options.js';
export { createAsyncApiDocument } from './asyncapi/create-asyncapi-document.js';
export type { AsyncApiDocument, StompDocumentExtension } from './asyncapi/asyncapi-document.js';
export { generateStompClient } from './cli/generate-stomp-client.js';
export type { StompMessageDoc, StompPublication } from './handlers/handler-metadata.js';
export { MAX_FRAME_SIZE_MULTIPLES, STOMP_DEFAULTS } from './stomp.options.js';
export { STOMP_BROKER } from './interfaces/injection-tokens.js';
export { STOMP_CONTEXT_TYPE } from './handlers/stomp-context.js';
export * from './decorators/index.js';
export { SimpMessagingTemplate } from './messaging/simp-messaging-template.js';
export { SimpUserRegistry, type SimpUser, type SimpSession, type SimpSubscription } from './users/simp-user-registry.js';
export { StompContext, getStompContext } from './handlers/stomp-context.js';
export type { StompErrorReport } from './handlers/handler-error.handler.js';
export { StompEvents } from './events/stomp-events.js';
export type { StompEvent, StompEventType, DisconnectReason } from './events/stomp-event.js';
export { StompSessionRegistry } from './session/stomp-session.registry.js';
export { StompStats, type StompStatsSnapshot, type HandlerStats } from './metrics/stomp-stats.js';
export { StompHealthIndicator, type StompHealthResult } from './health/stomp-health.indicator.js';
export { StompAdmin } from './admin/stomp-admin.js';
export type { StompSessionInfo, RebalanceOptions } from './admin/session-info.js';
export type { SessionCloseCause } from './interfaces/stomp-counters.js';
export type { StompSession } from './interfaces/stomp-session.interface.js';
export type { StompPrincipal, StompConnectRequest, StompHandshake, StompAuthenticator } from './interfaces/stomp-principal.interface.js';
export type { StompChannelInterceptor } from './session/stomp-channel-interceptor.js';
export type { MessageBroker, BrokerMessage, BrokerSubscriber, BrokerCluster } from './broker/message-broker.js';
export { SimpleBroker, type SimpleBrokerSettings } from './broker/simple/simple-broker.js';
export { StompBrokerRelay } from './broker/relay/stomp-broker-relay.js';
export type { RelaySettings } from './broker/relay/relay-settings.js';
export { RedisBroker } from './broker/redis/redis-broker.js';
export { JetStreamBroker } from './broker/jetstream/jetstream-broker.js';
export type { JetStreamSettings } from './broker/jetstream/jetstream-settings.js';
export type { RedisBrokerSettings } from './broker/redis/redis-broker-settings.js';
export { KafkaBroker } from './broker/kafka/kafka-broker.js';
export type { KafkaBrokerSettings, KafkaBrokerContext } from './broker/kafka/kafka-broker-settings.js';
export { MessageFrameTemplate } from './protocol/message-frame-template.js';
export { MessageIds } from './util/message-ids.js';
export type { StompVersion } from './protocol/stomp-version.js';
export type { StompFrame, StompHeaders } from './protocol/stomp-frame.js';
export * from './errors/index.js';
