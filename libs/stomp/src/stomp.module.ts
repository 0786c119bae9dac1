import { Inject, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { AsyncApiDocumentBuilder } from './asyncapi/asyncapi-document.builder.js';
import { AsyncApiServer } from './asyncapi/asyncapi.server.js';
import { createBroker } from './broker/create-broker.js';
import { DestinationResolver } from './destinations/destination-resolver.js';
import { MessageDispatcher } from './dispatch/message-dispatcher.js';
import { BrokerAvailabilityMonitor } from './events/broker-availability.monitor.js';
import { StompEvents } from './events/stomp-events.js';
import { DeclaredPublications } from './handlers/declared-publications.js';
import { HandlerErrorHandler } from './handlers/handler-error.handler.js';
import { HandlerInvoker } from './handlers/handler-invoker.js';
import { HandlerResultRouter } from './handlers/handler-result.router.js';
import { MessageHandlerRegistry } from './handlers/message-handler.registry.js';
import { StompExplorer } from './handlers/stomp-explorer.js';
import { StompMetadataAccessor } from './handlers/stomp-metadata.accessor.js';
import { StompAdmin } from './admin/stomp-admin.js';
import { StompHealthIndicator } from './health/stomp-health.indicator.js';
import { STOMP_BROKER, STOMP_SETTINGS } from './interfaces/injection-tokens.js';
import { StompCounters } from './interfaces/stomp-counters.js';
import { PrometheusMetrics } from './metrics/prometheus-metrics.js';
import { StompStats } from './metrics/stomp-stats.js';
import { MessageConverter } from './messaging/message-converter.js';
import { SimpMessagingTemplate } from './messaging/simp-messaging-template.js';
import { STOMP_FRAME_ROUTER } from './session/stomp-frame-router.js';
import { StompSessionAcceptor } from './session/stomp-session.acceptor.js';
import { StompSessionRegistry } from './session/stomp-session.registry.js';
import { ConfigurableModuleClass, STOMP_MODULE_OPTIONS } from './stomp.module-definition.js';
import type { ResolvedStompOptions } from './stomp.options.js';
import { resolveStompOptions } from './stomp-options.resolver.js';
import { StompServer } from './transport/stomp.server.js';
import { ClusterChannel } from './users/cluster-channel.js';
import { SimpUserRegistry } from './users/simp-user-registry.js';
import { UserDestinations } from './users/user-destinations.js';
import { StompLogger } from './util/stomp-logger.js';

/**
 * Turns a Nest application into a STOMP message server, as Spring's
 * `@EnableWebSocketMessageBroker`. Global by default (`isGlobal: false` to scope it).
 *
 * @example
 * StompModule.forRoot({ endpoint: { path: '/portfolio', sockJs: true }, appPrefixes: ['/app'], brokerPrefixes: ['/topic', '/queue'] })
 */
@Module({
  imports: [DiscoveryModule],
  providers: [
    // Every stage injects the resolved options as the settings it declares itself.
    { provide: STOMP_SETTINGS, useFactory: resolveStompOptions, inject: [STOMP_MODULE_OPTIONS] },
    {
      provide: STOMP_BROKER,
      useFactory: (options: ResolvedStompOptions) => createBroker(options.broker, options.pathSeparator, options),
      inject: [STOMP_SETTINGS],
    },
    // The session's port to the stages below it.
    { provide: STOMP_FRAME_ROUTER, useExisting: MessageDispatcher },
    // What the stages count, read by the operations stage (stats, metrics, health).
    { provide: StompCounters, useFactory: () => new StompCounters() },
    DestinationResolver,
    ClusterChannel,
    MessageConverter,
    MessageHandlerRegistry,
    StompMetadataAccessor,
    HandlerInvoker,
    MessageDispatcher,
    HandlerResultRouter,
    HandlerErrorHandler,
    StompExplorer,
    StompEvents,
    StompSessionRegistry,
    StompSessionAcceptor,
    SimpUserRegistry,
    UserDestinations,
    StompServer,
    // After StompServer: it wraps the endpoints' HTTP listener and must unwrap first.
    AsyncApiServer,
    AsyncApiDocumentBuilder,
    DeclaredPublications,
    SimpMessagingTemplate,
    BrokerAvailabilityMonitor,
    StompStats,
    PrometheusMetrics,
    StompHealthIndicator,
    StompAdmin,
  ],
  exports: [SimpMessagingTemplate, SimpUserRegistry, StompSessionRegistry, StompEvents, STOMP_BROKER, StompStats, StompHealthIndicator, StompAdmin],
})
export class StompModule extends ConfigurableModuleClass {
  constructor(@Inject(STOMP_SETTINGS) settings: ResolvedStompOptions) {
    super();
    // Before any provider's lifecycle hook writes a line. Process-wide, as Nest's own log levels.
    StompLogger.useLevels(settings.logLevels);
  }
}
