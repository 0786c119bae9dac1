import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { StompClientGenerationError } from '../errors/stomp-client-generation.error.js';
import { generateStompClient } from './generate-stomp-client.js';

export const CLIENT_USAGE = `Usage: nest-stomp client --from <URL or file> --out <file.ts>

Writes a typed TypeScript client over @stomp/stompjs for the STOMP API an AsyncAPI 3 document
describes (nest-stomp serves it at /asyncapi.json).

  --from   the document: an http(s) URL (e.g. http://localhost:3000/asyncapi.json) or a JSON file
  --out    the TypeScript module to write (its folder is created if needed)`;

export interface ClientCommandArguments {
  readonly from: string;
  readonly out: string;
}

/** `--from X --out Y` (or `--from=X`), in any order; anything else is a usage error. */
export function parseClientArguments(args: readonly string[]): ClientCommandArguments {
  const values: Record<string, string> = {};
  for (let index = 0; index < args.length; index++) {
    const arg = args[index]!;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (flag !== '--from' && flag !== '--out') throw StompClientGenerationError.usage(`Unknown argument '${arg}'.\n\n${CLIENT_USAGE}`);
    const value = inline ?? args[++index];
    if (value === undefined || value === '' || (inline === undefined && value.startsWith('--'))) throw StompClientGenerationError.usage(`${flag} needs a value.\n\n${CLIENT_USAGE}`);
    values[flag.slice(2)] = value;
  }
  for (const required of ['from', 'out']) {
    if (values[required] === undefined) throw StompClientGenerationError.usage(`--${required} is required.\n\n${CLIENT_USAGE}`);
  }
  return { from: values.from!, out: values.out! };
}

/** The document at a URL (fetched with Node's fetch) or in a file, parsed. */
export async function readAsyncApiDocument(from: string): Promise<unknown> {
  const text = /^https?:\/\//i.test(from) ? await fetchText(from) : await readText(from);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw StompClientGenerationError.unreadable(from, `not JSON (${(error as Error).message})`, error);
  }
}

async function fetchText(url: string): Promise<string> {
  let response: Response;
  try {
    response = await fetch(url, { headers: { accept: 'application/json' } });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw StompClientGenerationError.unreadable(url, `the server is unreachable (${cause?.code ?? cause?.message ?? (error as Error).message}); is the application running?`, error);
  }
  if (!response.ok) throw StompClientGenerationError.unreadable(url, `HTTP ${response.status} ${response.statusText}; is the asyncApi option on, and is this its path?`);
  return response.text();
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw StompClientGenerationError.unreadable(resolve(file), code === 'ENOENT' ? 'no such file' : (error as Error).message, error);
  }
}

/** `nest-stomp client ...`: reads the document, writes the client; resolves to the file written. */
export async function runClientCommand(args: readonly string[]): Promise<string> {
  const { from, out } = parseClientArguments(args);
  const source = generateStompClient(await readAsyncApiDocument(from));
  const target = resolve(out);
  await mkdir(dirname(target), { recursive: true });
  await writeFile(target, source);
  return target;
}
