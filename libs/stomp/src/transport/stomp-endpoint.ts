import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import sockjs from 'sockjs';
import type { Logger } from '@nestjs/common';
import type { WebSocketServer } from 'ws';
import type { StompCounters } from '../interfaces/stomp-counters.js';
import { refusalKind, type Refusal } from '../session/stomp-session.registry.js';
import { CountedLog } from '../util/counted-log.js';
import { escapeRegExp } from '../util/escape-reg-exp.js';
import { truncate } from '../util/truncate.js';
import { sockJsClientPath, type EndpointSettings } from './endpoint-settings.js';
import { clientAddress, type ProxyTrust } from './client-address.js';
import { CLOSE_HANDSHAKE_TIMEOUT_MS } from './close-handshake.js';
import { OriginPolicy } from './origin-policy.js';
import { SockJsClientFile } from './sockjs-client-file.js';
import { SockJsConnection } from './sockjs-connection.js';
import { SockJsMessageFrames } from './sockjs-message-frames.js';
import { SockJsOpeningRequests } from './sockjs-opening-requests.js';
import { SockJsWebSocketConnection } from './sockjs-websocket-connection.js';
import type { StompConnection } from '../session/stomp-connection.js';
import { pathnameOf, refuseUpgrade } from './upgrade-dispatcher.js';
import { WsConnection } from './ws-connection.js';

/** SockJS transports that POST client data. */
const SOCKJS_SEND = /\/(xhr_send|jsonp_send)$/;

/** SockJS's WebSocket transport, `/{server}/{session}/websocket` under the endpoint (sockjs's route, trailing slash included). */
const SOCKJS_WEBSOCKET = /^\/[^/.]+\/[^/.]+\/websocket\/?$/;

type SockJsHandler = (req: IncomingMessage, resOrSocket: ServerResponse | Duplex, head?: Buffer) => boolean;

/**
 * One endpoint path: raw WebSocket at `path` (and at `{path}/websocket` with SockJS, as Spring),
 * SockJS under `path/` when enabled (its WebSocket transport served by the library on `ws`, its
 * HTTP transports by the `sockjs` package), and the origin check in front of all of them.
 */
export class StompEndpoint {
  private readonly origins: OriginPolicy;
  /** Refused origins: each origin's first line in a minute in full (it says how to admit it), then counts by origin (anyone can forge an Origin). */
  private readonly originRefusals: CountedLog;
  /** Handshakes refused by a connection limit or the shutdown: one line a minute in a flood, with counts. */
  private readonly handshakeRefusals: CountedLog;
  /**
   * SockJS sends for a session this instance does not hold (404): behind a load balancer that does
   * not keep a session on one instance, every SockJS client fails this way. One warning, then counts.
   */
  private readonly lostSessions: CountedLog;
  private readonly rawPaths: ReadonlySet<string>;
  private readonly sockJsHandler: SockJsHandler | undefined;
  private readonly sockJsPrefix: string;
  private readonly sockJsClientPath: string;
  private readonly sockJsClient: SockJsClientFile;
  private readonly openingRequests = new SockJsOpeningRequests();
  private readonly sockJsFrames = new SockJsMessageFrames();

  constructor(
    readonly config: EndpointSettings,
    private readonly wss: WebSocketServer,
    /** The WebSocket server of SockJS's WebSocket transport (no sub-protocol, SockJS's message size). */
    private readonly sockJsWss: WebSocketServer,
    private readonly accept: (connection: StompConnection) => void,
    /** Whether a connection limit turns this client address away, and why. */
    private readonly refusal: (address: string | undefined) => Refusal | undefined,
    /** Largest SockJS POST body (the frames of one send, JSON-escaped). */
    private readonly maxRequestBody: number,
    /** Which peers are proxies whose `X-Forwarded-For` (or `Forwarded`) names the client. */
    private readonly trustProxy: ProxyTrust,
    private readonly logger: Logger,
    /** Where refused handshakes are counted (`stomp_connections_refused_total`). */
    private readonly counters: StompCounters,
  ) {
    this.origins = new OriginPolicy(config.allowedOrigins, config.publicOrigins);
    this.originRefusals = new CountedLog((line) => logger.warn(`${config.path}: ${line}`), 'requests refused for their Origin', { writeFirst: 'each-key' });
    this.handshakeRefusals = new CountedLog((line) => logger.warn(`${config.path}: ${line}`), 'WebSocket handshakes refused');
    this.lostSessions = new CountedLog((line) => logger.warn(`${config.path}: ${line}`), 'SockJS sends for unknown sessions');
    this.rawPaths = new Set(config.sockJs ? [config.path, `${config.path}/websocket`] : [config.path]);
    this.sockJsPrefix = `${config.path}/`;
    this.sockJsClientPath = sockJsClientPath(config.path);
    this.sockJsClient = new SockJsClientFile(logger);
    if (config.sockJs) {
      const server = sockjs.createServer({
        prefix: escapeRegExp(config.path),
        heartbeat_delay: config.sockJs.heartbeatDelay,
        disconnect_delay: config.sockJs.disconnectDelay,
        response_limit: config.sockJs.responseLimit,
        // sockjs would link a CDN copy of its client in the iframe transport: nothing loads from the internet.
        sockjs_url: config.sockJs.clientLibraryUrl,
        log: (severity: string, line: string) => {
          if (severity === 'error') logger.error(`SockJS: ${line}`);
          // One line per HTTP request: routine, so debug.
          else logger.debug(`SockJS: ${line}`);
        },
      });
      server.on('connection', (conn: sockjs.Connection | null) => {
        // sockjs emits a null connection when a session opens on a request that is already gone.
        if (!conn) return;
        const url = conn.url;
        // The opening request's own headers: sockjs hands on only a few (not Forwarded, Cookie, Authorization).
        const headers = this.openingRequests.opened(url) ?? conn.headers;
        conn.on('close', () => this.openingRequests.closed(url));
        this.accept(new SockJsConnection(conn, clientAddress(conn.remoteAddress, headers, this.trustProxy), headers, CLOSE_HANDSHAKE_TIMEOUT_MS));
      });
      const listener = (server as unknown as { listener(options?: object): { getHandler(): SockJsHandler } }).listener();
      this.sockJsHandler = listener.getHandler();
    }
  }

  onRequest(req: IncomingMessage, res: ServerResponse): boolean {
    const pathname = pathnameOf(req);
    if (!this.sockJsHandler || !this.isSockJsPath(pathname)) return false;
    if (pathname === this.sockJsClientPath) return this.sockJsClient.serve(req, res);
    const originRefusal = this.originRefusal(req);
    if (originRefusal !== undefined) {
      res.writeHead(403, { 'Content-Type': 'text/plain; charset=utf-8' }).end(originRefusal);
      return true;
    }
    if (req.method === 'POST' && SOCKJS_SEND.test(pathname)) {
      if (!this.limitBody(req, res)) return true;
      this.watchForLostSession(pathname, res);
    }
    this.openingRequests.remember(pathname, req.headers);
    return this.sockJsHandler(req, res);
  }

  /**
   * sockjs reads a whole POST body into memory before it even looks the session up: cap it, by the
   * declared length and by what actually arrives. `false`: refused (413).
   */
  private limitBody(req: IncomingMessage, res: ServerResponse): boolean {
    const refuse = () => {
      if (!res.headersSent) res.writeHead(413, { 'Content-Type': 'text/plain', Connection: 'close' }).end(`Request body over ${this.maxRequestBody} bytes (maxSockJsRequestBody, derived from option maxFrameSize)`);
      req.destroy();
    };
    if (Number(req.headers['content-length'] ?? 0) > this.maxRequestBody) {
      refuse();
      return false;
    }
    let received = 0;
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > this.maxRequestBody) refuse();
    });
    return true;
  }

  /** sockjs answers a send for a session it does not know with 404, and logs it at debug only. */
  private watchForLostSession(pathname: string, res: ServerResponse): void {
    res.once('finish', () => {
      if (res.statusCode !== 404) return;
      this.lostSessions.count(
        'unknown session',
        () =>
          `SockJS send ${truncate(pathname, 120)} for a session this instance does not hold: answered 404, the client sees 'Server lost session'. ` +
          'With several instances, the load balancer must send every request of a SockJS session to the instance that opened it (hash on the session id in the URL; README: Deployment behind a proxy or load balancer)',
      );
    });
  }

  onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const pathname = pathnameOf(req);
    const raw = this.rawPaths.has(pathname);
    if (!raw && !(this.sockJsHandler && this.isSockJsPath(pathname))) return false;
    const originRefusal = this.originRefusal(req);
    if (originRefusal !== undefined) {
      refuseUpgrade(socket, 403, originRefusal);
      return true;
    }
    if (!raw) {
      if (this.isSockJsWebSocket(pathname)) {
        this.acceptSockJsWebSocket(req, socket, head);
        return true;
      }
      this.openingRequests.remember(pathname, req.headers);
      return this.sockJsHandler!(req, socket, head);
    }
    const client = clientAddress(req.socket.remoteAddress, req.headers, this.trustProxy);
    const refusal = this.refusal(client);
    if (refusal) {
      this.counters.connectionRefused(refusalKind(refusal));
      this.handshakeRefusals.count(refusalKind(refusal), () => `WebSocket handshake from ${client} refused: ${refusal.message}`);
      refuseUpgrade(socket, refusal.status, refusal.message);
      return true;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(new WsConnection(ws, req, client)));
    return true;
  }

  /**
   * SockJS's WebSocket transport, served here rather than by sockjs (see SockJsWebSocketConnection).
   * Connection limits turn the session away in STOMP (ERROR, close 4500) after the handshake, as on
   * SockJS's HTTP transports: the SockJS client reports a refused handshake only as a failed transport.
   */
  private acceptSockJsWebSocket(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const client = clientAddress(req.socket.remoteAddress, req.headers, this.trustProxy);
    const { heartbeatDelay } = this.config.sockJs!;
    this.sockJsWss.handleUpgrade(req, socket, head, (ws) => this.accept(new SockJsWebSocketConnection(ws, req, client, this.sockJsFrames, heartbeatDelay)));
  }

  /** Writes what the refusal counts still hold and stops their timer. */
  close(): void {
    this.handshakeRefusals.close();
    this.originRefusals.close();
    this.lostSessions.close();
  }

  /** The 403 body when the request's Origin may not connect (logged, rate-limited); `undefined` when it may. */
  private originRefusal(req: IncomingMessage): string | undefined {
    const verdict = this.origins.check(req);
    if (verdict.allowed) return undefined;
    this.counters.connectionRefused('origin');
    this.originRefusals.count(verdict.origin, () => verdict.detail);
    return verdict.message;
  }

  private isSockJsPath(pathname: string): boolean {
    return pathname === this.config.path || pathname.startsWith(this.sockJsPrefix);
  }

  private isSockJsWebSocket(pathname: string): boolean {
    return pathname.startsWith(this.sockJsPrefix) && SOCKJS_WEBSOCKET.test(pathname.slice(this.config.path.length));
  }
}
