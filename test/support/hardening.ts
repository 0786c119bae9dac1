import { createHook } from 'node:async_hooks';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { INestApplication } from '@nestjs/common';
import { WebSocket } from 'ws';
import { StompEvents, type StompEvent } from 'nest-stomp';
import { firstValueFrom, filter } from 'rxjs';
import { decodeFrame } from '../../libs/stomp/src/protocol/decode-frame.js';
import type { StompFrame } from '../../libs/stomp/src/protocol/stomp-frame.js';
import { Wakeups } from './wakeups.js';

/** One complete STOMP 1.2 frame (as text or bytes), decoded: headers unescaped. */
export function stompFrameOf(data: string | Buffer): StompFrame {
  return decodeFrame(typeof data === 'string' ? Buffer.from(data, 'utf8') : data, '1.2');
}

/** What a WebSocket handshake came to: 101 and an open socket, or the HTTP refusal (status and body). */
export interface Handshake {
  readonly status: number;
  readonly body?: string;
  readonly socket?: WebSocket;
}

/** Attempts a WebSocket handshake and reports the HTTP status and body of a refusal. */
export function wsHandshake(
  url: string,
  options: { headers?: Record<string, string>; protocols?: string[]; localAddress?: string } = {},
): Promise<Handshake> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, options.protocols ?? ['v12.stomp'], { headers: options.headers, localAddress: options.localAddress });
    socket.once('open', () => resolve({ status: 101, socket }));
    socket.once('unexpected-response', (_req, res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    socket.once('error', (error) => reject(error));
  });
}

/** The net socket under a `ws` client: pausing it stops reading, as a client that reads too slowly would. */
export function netSocketOf(socket: WebSocket): Socket {
  return (socket as unknown as { _socket: Socket })._socket;
}

/** Active ref'd timers of the process (`getActiveResourcesInfo` leaves out unref'd ones). */
export function activeTimeouts(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
}

interface TimerResource {
  readonly _destroyed?: boolean;
  readonly _idleTimeout?: number;
  readonly _onTimeout?: { readonly name?: string };
}

const THIS_FILE = fileURLToPath(import.meta.url);
const JEST_PACKAGE = /[\\/]node_modules[\\/](@jest|jest-[^\\/]+)[\\/]/;

/**
 * Whether the timer being created comes from jest itself: with one worker jest runs test files in
 * its own process, so its reporter's status timers would otherwise count as the app's. Reads raw
 * call sites (no formatted, source-mapped stack: this runs for every timer of a churn test).
 */
function createdByJest(): boolean {
  const { prepareStackTrace, stackTraceLimit } = Error;
  Error.prepareStackTrace = (_error, sites) => sites;
  Error.stackTraceLimit = 16;
  const sites = new Error().stack as unknown as NodeJS.CallSite[];
  Error.prepareStackTrace = prepareStackTrace;
  Error.stackTraceLimit = stackTraceLimit;
  // The first frame outside Node's timers and this hook is whoever called setTimeout.
  for (const site of sites) {
    const file = site.getFileName();
    if (!file || file.startsWith('node:')) continue;
    const path = file.startsWith('file:') ? fileURLToPath(file) : file;
    if (path === THIS_FILE) continue;
    return JEST_PACKAGE.test(path);
  }
  return false;
}

/**
 * Every timer created while tracking, unref'd ones included (the server unrefs its heart-beat and
 * limit timers, so `getActiveResourcesInfo` never shows them): `live()` lists those neither fired
 * nor cleared.
 */
export class TimerTracker {
  /** By async id; a timer leaves on its destroy hook, so that tracking holds on to nothing for long. */
  private readonly timers = new Map<number, TimerResource>();
  private count = 0;
  private readonly hook = createHook({
    init: (id, type, _trigger, resource) => {
      if (type !== 'Timeout' || createdByJest()) return;
      this.timers.set(id, resource as TimerResource);
      this.count++;
    },
    destroy: (id) => {
      this.timers.delete(id);
    },
  });

  static start(): TimerTracker {
    const tracker = new TimerTracker();
    tracker.hook.enable();
    return tracker;
  }

  /** Timers still pending, as `<delay>ms <callback name>`, but for Node's own HTTP `Date` header cache. */
  live(): string[] {
    return [...this.timers.values()]
      .filter((t) => t._destroyed === false && t._onTimeout?.name !== 'resetCache')
      .map((t) => `${t._idleTimeout}ms ${t._onTimeout?.name || 'anonymous'}`);
  }

  /** Timers created since tracking began. */
  get created(): number {
    return this.count;
  }

  stop(): void {
    this.hook.disable();
    this.timers.clear();
  }
}

/** Resolves with the first event of the app matching `predicate` (subscribe before causing it). */
export function nextEvent<T extends StompEvent>(app: INestApplication, predicate: (event: StompEvent) => event is T): Promise<T>;
export function nextEvent(app: INestApplication, predicate: (event: StompEvent) => boolean): Promise<StompEvent>;
export function nextEvent(app: INestApplication, predicate: (event: StompEvent) => boolean): Promise<StompEvent> {
  return firstValueFrom(app.get(StompEvents).events$.pipe(filter(predicate)));
}

/** The disconnect event of one session. */
export function disconnectOf(app: INestApplication, sessionId: string): Promise<Extract<StompEvent, { type: 'disconnect' }>> {
  return nextEvent(app, (e): e is Extract<StompEvent, { type: 'disconnect' }> => e.type === 'disconnect' && e.session.id === sessionId);
}

/** Sends CONNECT on an open socket and resolves with the first frame the server answers (CONNECTED or ERROR). */
export function stompConnect(socket: WebSocket): Promise<string> {
  return new Promise((resolve) => {
    socket.on('message', function first(data: Buffer) {
      const text = data.toString('utf8');
      if (text.trim() === '') return;
      socket.off('message', first);
      resolve(text);
    });
    socket.send('CONNECT\naccept-version:1.2\nheart-beat:0,0\n\n\0');
  });
}

/** Rejects after `ms` with `what` unless `promise` settles first; the timer never outlives it. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`Timed out after ${ms} ms waiting for ${what}`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** A STOMP frame as the server writes it (one per WebSocket message), headers parsed, the body only measured. */
export interface LightFrame {
  readonly command: string;
  readonly headers: Record<string, string>;
  readonly bodyLength: number;
  readonly firstBodyByte: number | undefined;
  readonly lastBodyByte: number | undefined;
}

/**
 * Reads one server frame without keeping its body: for floods of large messages, where keeping
 * every body (as RawStompClient does) would itself cost the memory under test.
 */
export function lightFrame(data: Buffer): LightFrame | undefined {
  let start = 0;
  while (start < data.length && (data[start] === 0x0a || data[start] === 0x0d)) start++;
  if (start === data.length) return undefined; // a heart-beat
  const headEnd = data.indexOf('\n\n', start);
  if (headEnd === -1) throw new Error(`Server frame without a blank line: ${data.subarray(0, 200).toString()}`);
  const lines = data.subarray(start, headEnd).toString('utf8').split('\n');
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon);
    if (!(name in headers)) headers[name] = line.slice(colon + 1);
  }
  const bodyStart = headEnd + 2;
  const nul = data.lastIndexOf(0);
  const bodyLength = nul - bodyStart;
  return {
    command: lines[0]!,
    headers,
    bodyLength,
    firstBodyByte: bodyLength > 0 ? data[bodyStart] : undefined,
    lastBodyByte: bodyLength > 0 ? data[nul - 1] : undefined,
  };
}

/**
 * A SockJS session over its WebSocket transport (`{path}/{server}/{session}/websocket`), spoken
 * by hand: `o` opens, `a[...]` carries messages, `c[code,"reason"]` closes.
 */
export class SockJsWebSocket {
  readonly messages: string[] = [];
  opened = false;
  sockJsClose: { code: number; reason: string } | undefined;
  closed = false;
  private readonly wakeups = new Wakeups();

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => {
      const text = data.toString('utf8');
      if (text === 'o') this.opened = true;
      else if (text.startsWith('a')) this.messages.push(...(JSON.parse(text.slice(1)) as string[]));
      else if (text.startsWith('c')) {
        const [code, reason] = JSON.parse(text.slice(1)) as [number, string];
        this.sockJsClose = { code, reason };
      }
      this.wakeups.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wakeups.wake();
    });
  }

  static open(baseWsUrl: string, path: string, headers?: Record<string, string>): Promise<SockJsWebSocket> {
    const session = Math.random().toString(36).slice(2, 10);
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(`${baseWsUrl}${path}/000/${session}/websocket`, { headers });
      socket.once('open', () => resolve(new SockJsWebSocket(socket)));
      socket.once('error', reject);
      socket.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode} at handshake`)));
    });
  }

  /** Sends one STOMP frame (text). */
  send(frame: string): void {
    this.socket.send(JSON.stringify([frame]));
  }

  async until(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
    await this.wakeups.until(condition, timeoutMs, () => new Error(`Timed out waiting for ${what}; SockJS messages so far: ${JSON.stringify(this.messages)}`));
  }
}
