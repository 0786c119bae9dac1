import { StompLogger } from '../util/stomp-logger.js';
import type { Server } from 'node:http';
import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { WebSocketServer, type ServerOptions } from 'ws';
import { STOMP_SUBPROTOCOLS } from '../protocol/stomp-version.js';
import { StompSessionAcceptor } from '../session/stomp-session.acceptor.js';
import { StompSessionRegistry } from '../session/stomp-session.registry.js';
import type { MessageBroker } from '../broker/message-broker.js';
import { STOMP_BROKER, STOMP_SETTINGS } from '../interfaces/injection-tokens.js';
import { StompCounters } from '../interfaces/stomp-counters.js';
import { CLOSE_HANDSHAKE_TIMEOUT_MS } from './close-handshake.js';
import type { TransportSettings } from './endpoint-settings.js';
import type { StompConnection } from '../session/stomp-connection.js';
import { StompEndpoint } from './stomp-endpoint.js';
import { interceptHttpServer } from './upgrade-dispatcher.js';
import { WebSocketKeepAlive } from './websocket-keep-alive.js';

/** The STOMP sub-protocols in the order the server prefers them, listed once rather than per handshake. */
const SUBPROTOCOL_PREFERENCE = Object.keys(STOMP_SUBPROTOCOLS);

/** The server's preferred STOMP sub-protocol among those a handshake offers; `false`: none. */
function stompSubprotocol(offered: ReadonlySet<string>): string | false {
  for (const protocol of SUBPROTOCOL_PREFERENCE) if (offered.has(protocol)) return protocol;
  return false;
}

/** How long clients get to answer the closing handshake at shutdown before they are cut off. */
const SHUTDOWN_GRACE_MS = 2000;

/**
 * Serves the STOMP endpoints on the application's own HTTP server (Express or Fastify), by path.
 * It leaves `app.useWebSocketAdapter()` to the application, so Nest gateways can live beside it.
 */
@Injectable()
export class StompServer implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new StompLogger('StompModule');
  private readonly wss: WebSocketServer;
  /** SockJS's WebSocket transport: no STOMP sub-protocol, and messages JSON-escaped (as large as a SockJS POST). */
  private readonly sockJsWss: WebSocketServer;
  private readonly keepAlive: WebSocketKeepAlive;
  private endpoints: StompEndpoint[] = [];
  private detach: (() => void) | undefined;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly sessions: StompSessionRegistry,
    private readonly acceptor: StompSessionAcceptor,
    @Inject(STOMP_SETTINGS) private readonly options: TransportSettings,
    @Inject(STOMP_BROKER) private readonly broker: MessageBroker,
    private readonly counters: StompCounters,
  ) {
    const serverOptions: ServerOptions & { closeTimeout: number } = {
      noServer: true,
      perMessageDeflate: false,
      // ws reads it; @types/ws does not declare it yet.
      closeTimeout: CLOSE_HANDSHAKE_TIMEOUT_MS,
      maxPayload: options.maxWebSocketMessageSize,
      handleProtocols: stompSubprotocol,
    };
    this.wss = new WebSocketServer(serverOptions);
    this.sockJsWss = new WebSocketServer({ ...serverOptions, maxPayload: options.maxSockJsRequestBody, handleProtocols: () => false });
    this.keepAlive = new WebSocketKeepAlive([this.wss, this.sockJsWss], options.pingInterval, this.logger);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.broker.start?.();
    const httpServer = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (!httpServer) {
      this.logger.warn('No HTTP server (an application context or a microservice?): STOMP endpoints are not served');
      return;
    }
    const accept = (connection: StompConnection) => void this.acceptor.accept(connection);
    const refusal = (address: string | undefined) => this.sessions.refusal(address, this.options);
    this.endpoints = this.options.endpoints.map((config) => new StompEndpoint(config, this.wss, this.sockJsWss, accept, refusal, this.options.maxSockJsRequestBody, this.options.trustProxy, this.logger, this.counters));
    // Loops, not `some` with an arrow: every request and handshake of the server comes this way.
    this.detach = interceptHttpServer(httpServer, {
      onRequest: (req, res) => {
        for (const endpoint of this.endpoints) if (endpoint.onRequest(req, res)) return true;
        return false;
      },
      onUpgrade: (req, socket, head) => {
        for (const endpoint of this.endpoints) if (endpoint.onUpgrade(req, socket, head)) return true;
        return false;
      },
    });
    this.keepAlive.start();
    for (const { config } of this.endpoints) {
      this.logger.log(`STOMP endpoint ${config.path}${config.sockJs ? ' (WebSocket, SockJS)' : ' (WebSocket)'}`);
    }
  }

  /**
   * Stops taking connections (a handshake now gets 503, a SockJS session an ERROR), tells every
   * session the server is going away (ERROR, then close 1001), and waits for the clients to close,
   * cutting off those that do not within a grace period.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.sessions.stopAccepting();
    this.keepAlive.stop();
    // One line for all of them: each session's own goes to debug.
    if (this.sessions.size > 0) this.logger.log(`Shutting down: closing ${this.sessions.size} session${this.sessions.size === 1 ? '' : 's'}`);
    this.sessions.closeAll('Server is shutting down');
    await this.closeClients();
    await Promise.all([this.wss, this.sockJsWss].map((wss) => new Promise<void>((resolve) => wss.close(() => resolve()))));
    await this.broker.close?.();
  }

  /** The HTTP server is closed by now: hand its listeners back. */
  onApplicationShutdown(): void {
    for (const endpoint of this.endpoints) endpoint.close();
    this.detach?.();
    this.detach = undefined;
  }

  private async closeClients(): Promise<void> {
    const sockets = [...this.wss.clients, ...this.sockJsWss.clients];
    if (sockets.length === 0) return;
    await new Promise<void>((resolve) => {
      let open = sockets.length;
      const timer = setTimeout(() => {
        for (const socket of sockets) socket.terminate();
      }, SHUTDOWN_GRACE_MS);
      for (const socket of sockets) {
        socket.once('close', () => {
          if (--open === 0) {
            clearTimeout(timer);
            resolve();
          }
        });
      }
    });
  }
}
