import { Module, ValidationPipe } from '@nestjs/common';
import { APP_PIPE } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { StompModule } from 'nest-stomp';
import { AuthModule } from './auth/auth.module.js';
import { brokerFromEnv, CHAT_RETENTION } from './broker-from-env.js';
import { ChatAuthService } from './auth/chat-auth.service.js';
import { ChatController } from './chat/chat.controller.js';
import { PresenceService } from './chat/presence.service.js';
import { RoomsService } from './chat/rooms.service.js';
import { PageController } from './page.controller.js';
import { maxConnectionsPerAddressFromEnv, trustProxyFromEnv } from './proxy-from-env.js';
import { USER_NAMES_SCHEMA } from './chat/chat-message.schemas.js';
import { METRICS_REGISTRY, MetricsRegistryModule } from './ops/metrics-registry.module.js';
import { OpsController } from './ops/ops.controller.js';
import type { Registry } from 'prom-client';

/**
 * Topics only the server publishes: `/topic/presence` (PresenceService) and the replies of
 * `/app/chat.send` and `/app/room.{roomId}`, whose sender the handlers set. Clients SUBSCRIBE there
 * and SEND to `/app/...`; other `/topic/...` destinations stay open to SENDs, as in Spring's setup.
 */
export const SERVER_OWNED_TOPICS = ['/topic/presence', '/topic/messages', '/topic/room.*'] as const;

/** `PUBLIC_ORIGIN`, one origin or several separated by commas; unset or empty: none (the server's own address). */
export function publicOriginFromEnv(env: NodeJS.ProcessEnv): string[] | undefined {
  const origins = (env.PUBLIC_ORIGIN ?? '').split(',').map((origin) => origin.trim()).filter(Boolean);
  return origins.length > 0 ? origins : undefined;
}

/** Spring's `@EnableWebSocketMessageBroker` setup (endpoint /portfolio with SockJS, /app, /topic and /queue), one to one, plus sign-in, rooms, private messages and presence. */
@Module({
  imports: [
    AuthModule,
    MetricsRegistryModule,
    TerminusModule,
    StompModule.forRootAsync({
      imports: [AuthModule, MetricsRegistryModule],
      inject: [ChatAuthService, METRICS_REGISTRY],
      useFactory: (auth: ChatAuthService, registry: Registry) => ({
        // registry.addEndpoint("/portfolio").withSockJS(); PUBLIC_ORIGIN: the origin browsers see
        // behind a proxy (comma-separated for several), e.g. https://chat.example.com.
        endpoint: { path: '/portfolio', sockJs: true, publicOrigin: publicOriginFromEnv(process.env) },
        appPrefixes: ['/app'], // config.setApplicationDestinationPrefixes("/app")
        // The STOMP API's AsyncAPI document at /asyncapi.json, rendered at /asyncapi.
        asyncApi: {
          info: { title: 'Chat', version: '1.0.0', description: 'Public rooms, private messages and presence over STOMP.' },
          // PresenceService sends it through SimpMessagingTemplate: no handler returns it.
          publishes: [{ destination: '/topic/presence', name: 'UsersOnline', schema: USER_NAMES_SCHEMA, description: 'Who is online, on every change.' }],
        },
        brokerPrefixes: ['/topic', '/queue'], // config.enableSimpleBroker("/topic", "/queue")
        broker: brokerFromEnv(process.env), // or enableStompBrokerRelay(...), or Redis
        retention: CHAT_RETENTION,
        authenticate: (request) => auth.authenticate(request),
        // Served at /metrics (OpsController), beside whatever else the app measures.
        metrics: { enabled: true, registry },
        // Behind nginx on this machine: TRUST_PROXY=loopback, so each client counts under its own
        // address (X-Forwarded-For) rather than all under the proxy's.
        trustProxy: trustProxyFromEnv(process.env),
        maxConnectionsPerAddress: maxConnectionsPerAddressFromEnv(process.env),
        authorization: {
          rules: [
            // Private messages go through /app/chat.private, which stamps the sender's own name: a
            // straight SEND to someone's user queue would let anyone whisper as anyone.
            { destination: '/user/**', on: 'SEND', allow: 'nobody' },
            // What the server publishes (the presence list, the handlers' stamped messages): a
            // client's own SEND there would forge them for everyone.
            ...SERVER_OWNED_TOPICS.map((destination) => ({ destination, on: 'SEND' as const, allow: 'nobody' as const })),
          ],
        },
      }),
    }),
  ],
  controllers: [ChatController, PageController, OpsController],
  providers: [
    RoomsService,
    PresenceService,
    // Validates STOMP payloads and HTTP bodies alike. A factory, so that importing the module loads
    // nothing: ValidationPipe imports class-validator as soon as it is constructed.
    { provide: APP_PIPE, useFactory: () => new ValidationPipe({ whitelist: true, transform: true }) },
  ],
})
export class AppModule {}
