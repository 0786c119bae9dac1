import { createReadStream } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Controller, Get, Header, StreamableFile } from '@nestjs/common';

const require = createRequire(import.meta.url);
const publicDir = join(dirname(fileURLToPath(import.meta.url)), 'public');
const sockJsBundle = require.resolve('sockjs-client/dist/sockjs.min.js');
// @stomp/stompjs exports only its entry points; its CommonJS entry sits beside the minified bundle.
const stompBundle = join(dirname(require.resolve('@stomp/stompjs')), 'stomp.umd.min.js');

/** The chat page and the browser builds of its two client libraries, served from node_modules. */
@Controller()
export class PageController {
  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  page(): StreamableFile {
    return new StreamableFile(createReadStream(join(publicDir, 'index.html')));
  }

  @Get('app.js')
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  script(): StreamableFile {
    return new StreamableFile(createReadStream(join(publicDir, 'app.js')));
  }

  @Get('style.css')
  @Header('Content-Type', 'text/css; charset=utf-8')
  style(): StreamableFile {
    return new StreamableFile(createReadStream(join(publicDir, 'style.css')));
  }

  @Get('vendor/sockjs.min.js')
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  sockJs(): StreamableFile {
    return new StreamableFile(createReadStream(sockJsBundle));
  }

  @Get('vendor/stomp.umd.min.js')
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  stomp(): StreamableFile {
    return new StreamableFile(createReadStream(stompBundle));
  }
}
