import { randomBytes } from 'node:crypto';
import { Agent, request, type ClientRequest, type IncomingMessage } from 'node:http';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { encodePayload } from '../shared/payload.js';
import { encodeFrame } from '../shared/stomp-wire.js';
import type { BenchClient, ConnectTimings } from './bench-client.js';

const TIMEOUT_MS = 30_000;
const SEQ_PREFIX = '{"seq":';

/**
 * One SockJS session as the generator needs it, spoken on the wire without sockjs-client (whose
 * browser-shaped machinery would make the generator the bound): the `o`, `h`, `a[...]` and `c[...]`
 * frames, and sends as a JSON array of strings.
 */
interface SockJsTransport {
  /** Sends STOMP frames, in order; the transport may put several in one SockJS send. */
  send(frame: string): void;
  close(): void;
}

interface TransportEvents {
  onOpen(): void;
  /** The messages of one `a[...]` frame. */
  onMessages(messages: readonly string[]): void;
  onClose(reason: string): void;
}

/**
 * A STOMP 1.2 client over SockJS (`websocket` or `xhr-streaming`), as lean as StompBenchClient: a
 * MESSAGE is only scanned for the end of its headers and the `seq` at the start of its body. The
 * SockJS framing itself has to be JSON-decoded: that is what every SockJS client pays.
 */
export class SockJsBenchClient implements BenchClient {
  onMessage: (seq: number) => void = () => undefined;
  failure: string | undefined;
  timings: ConnectTimings | undefined;
  private transport!: SockJsTransport;
  private readonly pendingReceipts = new Map<string, { resolve: () => void; reject: (error: Error) => void }>();
  private nextReceipt = 0;
  private onOpened: ((error?: Error) => void) | undefined;
  private onConnected: ((error?: Error) => void) | undefined;

  private constructor() {}

  /** `baseUrl`: the SockJS endpoint, e.g. `http://127.0.0.1:3000/ws`. */
  static connect(baseUrl: string, transport: 'websocket' | 'xhr-streaming', agent?: Agent): Promise<SockJsBenchClient> {
    const client = new SockJsBenchClient();
    const sessionUrl = `${baseUrl}/${randomBytes(2).readUInt16BE() % 1000}/${randomBytes(8).toString('hex')}`;
    const events: TransportEvents = {
      onOpen: () => client.onOpened?.(),
      onMessages: (messages) => {
        for (const message of messages) client.onStompMessage(message);
      },
      onClose: (reason) => client.fail(reason),
    };
    client.transport = transport === 'websocket' ? new SockJsWebSocket(sessionUrl, events) : new SockJsXhrStreaming(sessionUrl, events, agent ?? DEFAULT_AGENT);
    return client.handshake();
  }

  private async handshake(): Promise<this> {
    const started = performance.now();
    await withTimeout(new Promise<void>((resolve, reject) => (this.onOpened = (error) => (error ? reject(error) : resolve()))), 'SockJS open frame');
    const opened = performance.now();
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        this.onConnected = (error) => (error ? reject(error) : resolve());
        this.transport.send(encodeFrame('CONNECT', { 'accept-version': '1.2', host: '127.0.0.1', 'heart-beat': '0,0' }));
      }),
      'CONNECTED',
    );
    this.timings = { openMs: opened - started, connectMs: performance.now() - opened };
    return this;
  }

  subscribe(destination: string): Promise<void> {
    const receipt = `r${this.nextReceipt++}`;
    const confirmed = new Promise<void>((resolve, reject) => this.pendingReceipts.set(receipt, { resolve, reject }));
    this.transport.send(encodeFrame('SUBSCRIBE', { id: '0', destination, receipt }));
    return withTimeout(confirmed, `RECEIPT for SUBSCRIBE ${destination}`);
  }

  send(destination: string, seq: number, sender: string, sizeBytes: number): void {
    if (this.failure !== undefined) return;
    this.transport.send(encodeFrame('SEND', { destination, 'content-type': 'application/json' }, encodePayload(seq, sender, sizeBytes)));
  }

  close(): void {
    this.onMessage = () => undefined;
    this.failure ??= 'closed by the bench';
    this.transport.close();
  }

  /** One SockJS message: one or more whole STOMP frames (the server writes whole frames). */
  private onStompMessage(message: string): void {
    let start = 0;
    while (start < message.length) {
      const code = message.charCodeAt(start);
      if (code === 0x0a || code === 0x0d) {
        start++;
        continue;
      }
      let end = message.indexOf('\0', start);
      if (end === -1) end = message.length;
      this.onFrame(message, start, end);
      start = end + 1;
    }
  }

  private onFrame(text: string, start: number, end: number): void {
    if (text.startsWith('MESSAGE', start)) {
      const headerEnd = text.indexOf('\n\n', start);
      this.onMessage(headerEnd === -1 || headerEnd > end ? -1 : readSequence(text, headerEnd + 2, end));
      return;
    }
    const frame = text.slice(start, end);
    const lines = frame.slice(0, frame.indexOf('\n\n')).split('\n');
    const header = (name: string) => lines.find((line) => line.startsWith(`${name}:`))?.slice(name.length + 1);
    if (lines[0] === 'CONNECTED') this.onConnected?.();
    else if (lines[0] === 'RECEIPT') {
      const id = header('receipt-id') ?? '';
      this.pendingReceipts.get(id)?.resolve();
      this.pendingReceipts.delete(id);
    } else if (lines[0] === 'ERROR') this.fail(`ERROR frame: ${header('message') ?? '(no message)'}`);
  }

  private fail(reason: string): void {
    this.failure ??= reason;
    const error = new Error(reason);
    this.onOpened?.(error);
    this.onConnected?.(error);
    for (const pending of this.pendingReceipts.values()) pending.reject(error);
    this.pendingReceipts.clear();
  }
}

/** Where the generator's HTTP requests go: kept-alive sockets, as a browser keeps them. */
const DEFAULT_AGENT = new Agent({ keepAlive: true });

/** SockJS's websocket transport: `{session}/websocket`, one SockJS frame per WebSocket message. */
class SockJsWebSocket implements SockJsTransport {
  private readonly socket: WebSocket;

  constructor(sessionUrl: string, private readonly events: TransportEvents) {
    this.socket = new WebSocket(`${sessionUrl.replace(/^http/, 'ws')}/websocket`, { perMessageDeflate: false, handshakeTimeout: TIMEOUT_MS });
    this.socket.on('message', (data: Buffer) => onSockJsFrame(data.toString('utf8'), events));
    this.socket.on('close', (code) => events.onClose(`connection closed (${code})`));
    this.socket.on('error', (error) => events.onClose(error.message));
  }

  send(frame: string): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify([frame]));
  }

  close(): void {
    this.socket.terminate();
  }
}

/**
 * SockJS's xhr-streaming transport, as sockjs-client runs it: a POST to `{session}/xhr_streaming`
 * whose response streams frames, one per line, opened again whenever the server ends it (after
 * `responseLimit` bytes); sends POSTed to `{session}/xhr_send`, one at a time, with whatever
 * queued meanwhile batched into the next.
 */
class SockJsXhrStreaming implements SockJsTransport {
  private receiving: ClientRequest | undefined;
  private queued: string[] = [];
  private sending = false;
  private closed = false;

  constructor(
    private readonly sessionUrl: string,
    private readonly events: TransportEvents,
    private readonly agent: Agent,
  ) {
    this.receive();
  }

  send(frame: string): void {
    if (this.closed) return;
    this.queued.push(frame);
    if (!this.sending) this.flush();
  }

  close(): void {
    this.closed = true;
    this.receiving?.destroy();
  }

  private receive(): void {
    const req = request(`${this.sessionUrl}/xhr_streaming`, { method: 'POST', agent: this.agent, headers: { 'Content-Length': 0 } });
    this.receiving = req;
    req.on('response', (res: IncomingMessage) => {
      if (res.statusCode !== 200) return this.fail(`xhr_streaming answered ${res.statusCode}`);
      res.setEncoding('utf8');
      let partial = '';
      res.on('data', (chunk: string) => {
        const text = partial + chunk;
        let start = 0;
        for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
          onSockJsFrame(text.slice(start, end), this.events);
          start = end + 1;
        }
        partial = text.slice(start);
      });
      // The server ends a streaming response after responseLimit bytes: the client opens the next.
      res.on('end', () => {
        if (!this.closed) this.receive();
      });
      res.on('error', (error) => this.fail(error.message));
    });
    req.on('error', (error) => this.fail(error.message));
    req.end();
  }

  private flush(): void {
    const body = JSON.stringify(this.queued);
    this.queued = [];
    this.sending = true;
    const req = request(`${this.sessionUrl}/xhr_send`, {
      method: 'POST',
      agent: this.agent,
      headers: { 'Content-Type': 'text/plain;charset=UTF-8', 'Content-Length': Buffer.byteLength(body) },
    });
    req.on('response', (res: IncomingMessage) => {
      res.resume();
      res.on('end', () => {
        if (res.statusCode !== 204) return this.fail(`xhr_send answered ${res.statusCode}`);
        this.sending = false;
        if (this.queued.length > 0 && !this.closed) this.flush();
      });
    });
    req.on('error', (error) => this.fail(error.message));
    req.end(body);
  }

  private fail(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.receiving?.destroy();
    this.events.onClose(reason);
  }
}

/** One SockJS frame: `o` open, `h` heart-beat, `a[...]` messages, `c[code,reason]` close; the 2 KiB `h` prelude of xhr-streaming too. */
function onSockJsFrame(frame: string, events: TransportEvents): void {
  switch (frame.charCodeAt(0)) {
    case 0x61 /* a */:
      events.onMessages(JSON.parse(frame.slice(1)) as string[]);
      break;
    case 0x6f /* o */:
      events.onOpen();
      break;
    case 0x63 /* c */:
      events.onClose(`SockJS close ${frame.slice(1)}`);
      break;
    default:
    // h: heart-beat or prelude.
  }
}

/** The `seq` of a bench payload starting at `offset` of `text`, or -1 when it is not one. */
function readSequence(text: string, offset: number, end: number): number {
  if (!text.startsWith(SEQ_PREFIX, offset)) return -1;
  let value = 0;
  let digits = 0;
  for (let i = offset + SEQ_PREFIX.length; i < end; i++) {
    const digit = text.charCodeAt(i) - 0x30;
    if (digit < 0 || digit > 9) break;
    value = value * 10 + digit;
    digits++;
  }
  return digits === 0 ? -1 : value;
}

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`No ${what} within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
