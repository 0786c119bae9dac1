import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StompClientGenerationError } from '../errors/stomp-client-generation.error.js';
import { parseClientArguments, readAsyncApiDocument, runClientCommand } from './client-command.js';
import { generateStompClient } from './generate-stomp-client.js';

const DOCUMENT = {
  asyncapi: '3.0.0',
  info: { title: 'Echo', version: '1.0.0' },
  channels: { echo: { address: '/app/echo', messages: { Echo: { name: 'Echo', payload: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] } } } } },
  operations: { echo: { action: 'receive', channel: { $ref: '#/channels/echo' }, messages: [{ $ref: '#/channels/echo/messages/Echo' }], 'x-stomp-frame': 'SEND' } },
  'x-stomp': { applicationDestinationPrefixes: ['/app/'], userDestinationPrefix: '/user/' },
};

describe('the client command', () => {
  let folder: string;
  let server: Server | undefined;

  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'nest-stomp-client-command-'));
  });

  afterEach(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
    await rm(folder, { recursive: true, force: true });
  });

  /** An HTTP server answering every request with `status` and `body`; resolves to its URL. */
  async function serve(status: number, body: string): Promise<string> {
    server = createServer((_, res) => res.writeHead(status, { 'Content-Type': 'application/json' }).end(body));
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/asyncapi.json`;
  }

  describe('arguments', () => {
    it('takes --from and --out in any order, with a space or an equals sign', () => {
      expect(parseClientArguments(['--from', 'a.json', '--out', 'b.ts'])).toEqual({ from: 'a.json', out: 'b.ts' });
      expect(parseClientArguments(['--out=b.ts', '--from=http://x/asyncapi.json'])).toEqual({ from: 'http://x/asyncapi.json', out: 'b.ts' });
    });

    it.each([
      [['--out', 'b.ts'], '--from is required'],
      [['--from', 'a.json'], '--out is required'],
      [['--from', '--out', 'b.ts'], '--from needs a value'],
      [['--from', 'a.json', '--out'], '--out needs a value'],
      [['--from', 'a.json', '--out', 'b.ts', '--watch'], "Unknown argument '--watch'"],
    ])('refuses %j: %s, with the usage', (args, problem) => {
      const error = catchError(() => parseClientArguments(args));
      expect(error).toMatchObject({ code: 'STOMP_ERR_CLIENT_USAGE' });
      expect(error.message).toContain(problem);
      expect(error.message).toContain('Usage: nest-stomp client --from <URL or file> --out <file.ts>');
    });
  });

  it('writes the client of a document file, creating the folder, as the generator gives it', async () => {
    await writeFile(join(folder, 'asyncapi.json'), JSON.stringify(DOCUMENT));
    const written = await runClientCommand(['--from', join(folder, 'asyncapi.json'), '--out', join(folder, 'src/generated/echo-client.ts')]);
    expect(written).toBe(join(folder, 'src/generated/echo-client.ts'));
    expect(await readFile(written, 'utf8')).toBe(generateStompClient(DOCUMENT));
  });

  it('fetches the document from a URL', async () => {
    const url = await serve(200, JSON.stringify(DOCUMENT));
    expect(await readAsyncApiDocument(url)).toEqual(DOCUMENT);
  });

  it('says a server that is not there is unreachable', async () => {
    // A port that was just free: nothing listens there any more.
    const url = await serve(200, '{}');
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    server = undefined;
    const error = await rejection(readAsyncApiDocument(url));
    expect(error).toBeInstanceOf(StompClientGenerationError);
    expect(error).toMatchObject({ code: 'STOMP_ERR_DOCUMENT_UNREADABLE' });
    expect(error.message).toBe(`Cannot read the AsyncAPI document from ${url}: the server is unreachable (ECONNREFUSED); is the application running?`);
  });

  it('names the HTTP status of a refused request', async () => {
    const url = await serve(404, 'no');
    expect((await rejection(readAsyncApiDocument(url))).message).toBe(`Cannot read the AsyncAPI document from ${url}: HTTP 404 Not Found; is the asyncApi option on, and is this its path?`);
  });

  it('says a missing file is missing, and a document that is not JSON is not JSON', async () => {
    const missing = join(folder, 'missing.json');
    expect((await rejection(readAsyncApiDocument(missing))).message).toBe(`Cannot read the AsyncAPI document from ${missing}: no such file`);
    const url = await serve(200, '<html>');
    const error = await rejection(readAsyncApiDocument(url));
    expect(error.message).toMatch(new RegExp(`^Cannot read the AsyncAPI document from ${url.replace(/[.]/g, '\\.')}: not JSON \\(`));
  });

  it('refuses a document that is not AsyncAPI 3 and writes nothing', async () => {
    await writeFile(join(folder, 'openapi.json'), JSON.stringify({ openapi: '3.1.0' }));
    const out = join(folder, 'client.ts');
    const error = await rejection(runClientCommand(['--from', join(folder, 'openapi.json'), '--out', out]));
    expect(error).toMatchObject({ code: 'STOMP_ERR_INVALID_DOCUMENT' });
    await expect(readFile(out, 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

function catchError(action: () => unknown): Error {
  try {
    action();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}
