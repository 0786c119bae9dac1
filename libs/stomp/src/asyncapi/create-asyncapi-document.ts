import type { INestApplicationContext } from '@nestjs/common';
import type { AsyncApiDocument } from './asyncapi-document.js';
import { AsyncApiDocumentBuilder } from './asyncapi-document.builder.js';

/**
 * The application's AsyncAPI 3.0 document, for build-time use (write it to a file in CI, diff it
 * in review). Call it after `await app.init()`, when the handlers are mapped; the `asyncApi`
 * option need not be set (it then gives the defaults: title 'STOMP API', host `localhost`).
 *
 * @example
 * const app = await NestFactory.create(AppModule, { logger: false });
 * await app.init();
 * writeFileSync('asyncapi.json', JSON.stringify(createAsyncApiDocument(app), null, 2));
 * await app.close();
 */
export function createAsyncApiDocument(app: INestApplicationContext, host?: string): AsyncApiDocument {
  return app.get(AsyncApiDocumentBuilder, { strict: false }).build(host);
}
