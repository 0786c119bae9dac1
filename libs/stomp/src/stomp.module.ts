import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { BrokerAvailabilityMonitor } from './events/broker-availability.monitor.js';
import { createBroker } from './broker/create-broker.js';
import { StompEvents } from './events/stomp-events.js';
import { MessageHandlerRegistry } from './handlers/message-handler.registry.js';
import { HandlerErrorHandler } from './handlers/handler-error.handler.js';
import { HandlerResultRouter } from './handlers/handler-result.router.js';
import { StompExplorer } from './handlers/stomp-explorer.js';
import { DestinationResolver } from './destinations/destination-resolver.js';
import { MessageConverter } from './messaging/message-converter.js';
import { MessageDispatcher } from './dispatch/message-dispatcher.js';
import { SimpMessagingTemplate } from './messaging/simp-messaging-template.js';
import { SimpUserRegistry } from './users/simp-user-registry.js';
import { UserDestinations } from './users/user-destinations.js';
import { StompSessionAcceptor } from './session/stomp-session.acceptor.js';
import { StompSessionRegistry } from './session/stomp-session.registry.js';
import { RESOLVED_STOMP_OPTIONS, STOMP_BROKER } from './stomp.constants.js';
import { ConfigurableModuleClass, STOMP_MODULE_OPTIONS } from './stomp.module-definition.js';
import { resolveStompOptions } from './stomp-options.resolver.js';
import { StompServer } from './transport/stomp.server.js';

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
    { provide: RESOLVED_STOMP_OPTIONS, useFactory: resolveStompOptions, inject: [STOMP_MODULE_OPTIONS] },
    { provide: STOMP_BROKER, useFactory: createBroker, inject: [RESOLVED_STOMP_OPTIONS] },
    DestinationResolver,
    MessageConverter,
    MessageHandlerRegistry,
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
    SimpMessagingTemplate,
    BrokerAvailabilityMonitor,
  ],
  exports: [SimpMessagingTemplate, SimpUserRegistry, StompSessionRegistry, StompEvents, STOMP_BROKER],
})
export class StompModule extends ConfigurableModuleClass {}
