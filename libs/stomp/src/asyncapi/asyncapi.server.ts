import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { STOMP_SETTINGS } from '../interfaces/injection-tokens.js';
import { interceptHttpServer, pathnameOf } from '../transport/upgrade-dispatcher.js';
import { StompLogger } from '../util/stomp-logger.js';
import type { AsyncApiSettings } from './asyncapi.options.js';
import type { AsyncApiDocument } from './asyncapi-document.js';
import { AsyncApiDocumentBuilder } from './asyncapi-document.builder.js';
import { asyncApiPage, serveUiAsset, UI_ASSETS } from './asyncapi-page.js';

/** A `Host` header fit to be a server's host: a name or address and an optional port. */
const HOST = /^[A-Za-z0-9.\-[\]:]{1,255}$/;

/**
 * Serves the AsyncAPI document (built once, at start-up, after the explorer mapped the handlers)
 * and its HTML page on the application's HTTP server, Express or Fastify alike, in front of the
 * framework as the STOMP endpoints are.
 */
@Injectable()
export class AsyncApiServer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new StompLogger('StompModule');
  private document: AsyncApiDocument | undefined;
  private page: string | undefined;
  private detach: (() => void) | undefined;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly builder: AsyncApiDocumentBuilder,
    @Inject(STOMP_SETTINGS) private readonly settings: AsyncApiSettings,
  ) {}

  /** Runs after StompServer's (it is provided after it), so its listener wraps the endpoints'. */
  onApplicationBootstrap(): void {
    const options = this.settings.asyncApi;
    if (!options.serve) return;
    const httpServer = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (!httpServer) {
      this.logger.warn('No HTTP server: the AsyncAPI document is not served (createAsyncApiDocument(app) still builds it)');
      return;
    }
    this.document = this.builder.build();
    if (options.uiPath !== false) this.page = asyncApiPage(options.info.title, options.path, options.uiPath);
    this.detach = interceptHttpServer(httpServer, { onRequest: (req, res) => this.onRequest(req, res), onUpgrade: () => false });
    this.logger.log(`AsyncAPI document at ${options.path}${options.uiPath === false ? '' : `, page at ${options.uiPath}`}`);
  }

  /** Before StompServer hands its listeners back at shutdown, so the two unwrap in order. */
  beforeApplicationShutdown(): void {
    this.detach?.();
    this.detach = undefined;
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): boolean {
    const { path, uiPath } = this.settings.asyncApi;
    const pathname = pathnameOf(req);
    let respond: (() => void) | undefined;
    if (pathname === path) respond = () => this.serveDocument(req, res);
    else if (uiPath !== false && this.page !== undefined && (pathname === uiPath || pathname === `${uiPath}/`)) respond = () => this.servePage(req, res);
    else if (uiPath !== false && pathname.startsWith(`${uiPath}/`) && pathname.slice(uiPath.length + 1) in UI_ASSETS) {
      respond = () => serveUiAsset(pathname.slice(uiPath.length + 1), req, res);
    }
    if (!respond) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain' }).end('Method not allowed');
    else respond();
    return true;
  }

  private serveDocument(req: IncomingMessage, res: ServerResponse): void {
    const host = this.settings.asyncApi.host ?? (HOST.test(req.headers.host ?? '') ? req.headers.host! : 'localhost');
    const servers = Object.fromEntries(Object.entries(this.document!.servers).map(([name, server]) => [name, { ...server, host }]));
    const body = JSON.stringify({ ...this.document, servers }, null, 2);
    res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-cache' });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  private servePage(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': Buffer.byteLength(this.page!), 'Cache-Control': 'no-cache' });
    res.end(req.method === 'HEAD' ? undefined : this.page);
  }
}
