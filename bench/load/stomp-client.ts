import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { encodePayload, readSequence } from '../shared/payload.js';
import { encodeFrame, forEachFrame, isMessageFrame, parseFrame } from '../shared/stomp-wire.js';
import type { BenchClient, ConnectTimings } from './bench-client.js';

const HEADER_END = Buffer.from('\n\n');
const TIMEOUT_MS = 30_000;

/** What a client puts in its CONNECT besides version and heart-beat. */
export interface StompConnectHeaders {
  /** The `host` header: for RabbitMQ, its virtual host. Default `127.0.0.1`. */
  readonly host?: string;
  readonly login?: string;
  readonly passcode?: string;
}

/**
 * A minimal STOMP 1.2 client on `ws`, lean so that the generator is not what is measured: a MESSAGE
 * is never decoded, only scanned for the end of its headers and the `seq` at the start of its body.
 */
export class StompBenchClient implements BenchClient {
  onMessage: (seq: number) => void = () => undefined;
  failure: string | undefined;
  timings: ConnectTimings | undefined;
  private readonly pendingReceipts = new Map<string, { resolve: () => void; reject: (error: Error) => void }>();
  private nextReceipt = 0;
  private onConnected: ((error?: Error) => void) | undefined;

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => {
      try {
        forEachFrame(data, (frame) => this.onFrame(frame));
      } catch (error) {
        this.fail((error as Error).message);
      }
    });
    socket.on('close', (code) => this.fail(`connection closed (${code})`));
    socket.on('error', (error) => this.fail(error.message));
  }

  static async connect(url: string, connectHeaders: StompConnectHeaders = {}): Promise<StompBenchClient> {
    const started = performance.now();
    const socket = new WebSocket(url, ['v12.stomp'], { perMessageDeflate: false, handshakeTimeout: TIMEOUT_MS });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    const opened = performance.now();
    const client = new StompBenchClient(socket);
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        client.onConnected = (error) => (error ? reject(error) : resolve());
        const { host = '127.0.0.1', login, passcode } = connectHeaders;
        const credentials: Record<string, string> = login === undefined ? {} : { login, passcode: passcode ?? '' };
        socket.send(encodeFrame('CONNECT', { 'accept-version': '1.2', host, 'heart-beat': '0,0', ...credentials }));
      }),
      'CONNECTED',
    );
    client.timings = { openMs: opened - started, connectMs: performance.now() - opened };
    return client;
  }

  /** `headers`: extra SUBSCRIBE headers, e.g. `x-stream-offset` for a replay in (g). */
  subscribe(destination: string, headers: Readonly<Record<string, string>> = {}): Promise<void> {
    const receipt = this.expectReceipt();
    // Every bench client uses subscription id "0": a server may then encode a MESSAGE once for all.
    this.socket.send(encodeFrame('SUBSCRIBE', { id: '0', destination, ...headers, receipt: receipt.id }));
    return withTimeout(receipt.confirmed, `RECEIPT for SUBSCRIBE ${destination}`);
  }

  /** A SEND that asks for a RECEIPT: resolves once the server confirmed it (stored, on a durable broker). */
  sendWithReceipt(destination: string, seq: number, sender: string, sizeBytes: number): Promise<void> {
    const receipt = this.expectReceipt();
    const body = encodePayload(seq, sender, sizeBytes);
    this.socket.send(encodeFrame('SEND', { destination, 'content-type': 'application/json', receipt: receipt.id }, body));
    return withTimeout(receipt.confirmed, `RECEIPT for SEND ${destination}`);
  }

  private expectReceipt(): { id: string; confirmed: Promise<void> } {
    const id = `r${this.nextReceipt++}`;
    return { id, confirmed: new Promise<void>((resolve, reject) => this.pendingReceipts.set(id, { resolve, reject })) };
  }

  send(destination: string, seq: number, sender: string, sizeBytes: number): void {
    if (this.socket.readyState !== WebSocket.OPEN) return;
    const body = encodePayload(seq, sender, sizeBytes);
    this.socket.send(encodeFrame('SEND', { destination, 'content-type': 'application/json' }, body));
  }

  close(): void {
    this.onMessage = () => undefined;
    this.socket.terminate();
  }

  private onFrame(frame: Buffer): void {
    if (isMessageFrame(frame)) {
      const headerEnd = frame.indexOf(HEADER_END);
      this.onMessage(headerEnd === -1 ? -1 : readSequence(frame, headerEnd + HEADER_END.length));
      return;
    }
    const { command, headers } = parseFrame(frame);
    if (command === 'CONNECTED') this.onConnected?.();
    else if (command === 'RECEIPT') {
      const id = headers['receipt-id'] ?? '';
      this.pendingReceipts.get(id)?.resolve();
      this.pendingReceipts.delete(id);
    } else if (command === 'ERROR') this.fail(`ERROR frame: ${headers.message ?? '(no message)'}`);
  }

  private fail(reason: string): void {
    this.failure ??= reason;
    const error = new Error(reason);
    this.onConnected?.(error);
    for (const pending of this.pendingReceipts.values()) pending.reject(error);
    this.pendingReceipts.clear();
  }
}

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`No ${what} within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
