import { createReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '@nestjs/common';
import { resolveOptionalFile } from '../util/optional-package.js';

const BUNDLE = 'sockjs-client/dist/sockjs.min.js';

/**
 * The browser build of the SockJS client, which SockJS's iframe page loads (`clientLibraryUrl`),
 * served from the installed `sockjs-client` package (an optional peer dependency).
 */
export class SockJsClientFile {
  private file: string | undefined | null = null;

  constructor(private readonly logger: Logger) {}

  /** Answers the request; always takes it. */
  serve(req: IncomingMessage, res: ServerResponse): boolean {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain' }).end('Method not allowed');
      return true;
    }
    const file = this.locate();
    if (!file) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end(`The SockJS client is not installed: npm install sockjs-client, or set the endpoint's sockJs.clientLibraryUrl`);
      return true;
    }
    // The version is pinned by the installed package: the file changes only with a new deployment.
    res.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'public, max-age=86400' });
    if (req.method === 'HEAD') {
      res.end();
      return true;
    }
    createReadStream(file)
      .on('error', (error) => res.destroy(error))
      .pipe(res);
    return true;
  }

  private locate(): string | undefined {
    if (this.file === null) {
      this.file = resolveOptionalFile(BUNDLE);
      if (!this.file) this.logger.warn(`SockJS iframe transports asked for the SockJS client, but '${BUNDLE}' is not installed (npm install sockjs-client)`);
    }
    return this.file;
  }
}
