import { createReadStream } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Controller, Get, Header, StreamableFile } from '@nestjs/common';

const require = createRequire(import.meta.url);
const publicDir = join(dirname(fileURLToPath(import.meta.url)), 'public');

/** The chat page and the browser builds of its two client libraries, served from node_modules. */
@Controller()
export class PageController {
  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  page(): StreamableFile {
    return new StreamableFile(createReadStream(join(publicDir, 'index.html')));
  }

  @Get('vendor/sockjs.min.js')
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  sockJs(): StreamableFile {
    return new StreamableFile(createReadStream(require.resolve('sockjs-client/dist/sockjs.min.js')));
  }

  @Get('vendor/stomp.umd.min.js')
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  stomp(): StreamableFile {
    return new StreamableFile(createReadStream(require.resolve('@stomp/stompjs/bundles/stomp.umd.min.js')));
  }
}
