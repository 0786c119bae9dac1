import { WebSocket } from 'ws';
import { FrameDecoder } from '../../libs/stomp/src/protocol/frame-decoder.js';
import type { StompFrame } from '../../libs/stomp/src/protocol/stomp-frame.js';
import { Wakeups } from './wakeups.js';

export interface ReceivedFrame extends StompFrame {
  /** Whether it arrived in a binary WebSocket message. */
  readonly binary: boolean;
  readonly text: string;
}

export interface CloseInfo {
  readonly code: number;
  readonly reason: string;
}

const WAIT_MS = 5000;

/**
 * A bare STOMP peer for protocol edge cases: it writes whatever bytes a test gives it and hands back
 * every frame the server sends, in order. Waits are event-driven, with a timeout only as a safety net.
 */
export class RawStompClient {
  readonly frames: ReceivedFrame[] = [];
  heartbeats = 0;
  private readonly wakeups = new Wakeups();
  private closeInfo: CloseInfo | undefined;
  private readonly decoder: FrameDecoder;
  private lastBinary = false;

  private constructor(readonly socket: WebSocket) {
    this.decoder = new FrameDecoder(
      {
        onFrame: (frame) => this.frames.push({ ...frame, binary: this.lastBinary, text: frame.body.toString('utf8') }),
        onHeartbeat: () => void this.heartbeats++,
        onError: (error) => {
          throw error;
        },
      },
      { maxFrameSize: 16 * 1024 * 1024, maxHeaders: 1000, maxHeaderLineLength: 1024 * 1024 },
    );
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      this.lastBinary = isBinary;
      this.decoder.push(data);
      this.wakeups.wake();
    });
    socket.on('close', (code: number, reason: Buffer) => {
      this.closeInfo = { code, reason: reason.toString() };
      this.wakeups.wake();
    });
  }

  static open(url: string, protocols: string[] = ['v12.stomp', 'v11.stomp', 'v10.stomp'], headers?: Record<string, string>): Promise<RawStompClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, protocols, { headers });
      socket.once('open', () => resolve(new RawStompClient(socket)));
      socket.once('error', reject);
      socket.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode} at handshake`)));
    });
  }

  /** Opens, sends CONNECT and waits for CONNECTED. */
  static async connect(url: string, headers: Record<string, string> = {}): Promise<RawStompClient> {
    const client = await RawStompClient.open(url);
    client.send('CONNECT', { 'accept-version': '1.2', host: 'localhost', 'heart-beat': '0,0', ...headers });
    await client.nextFrame('CONNECTED');
    return client;
  }

  get closed(): CloseInfo | undefined {
    return this.closeInfo;
  }

  /** Writes raw bytes as one WebSocket message. */
  write(data: string | Buffer, binary = false): void {
    this.socket.send(data, { binary });
  }

  send(command: string, headers: Record<string, string> = {}, body = ''): void {
    const lines = Object.entries(headers).map(([k, v]) => `${k}:${v}`);
    this.write(`${command}\n${lines.join('\n')}${lines.length ? '\n' : ''}\n${body}\0`);
  }

  /** Next frame (optionally of `command`) not yet taken by an earlier call. */
  async nextFrame(command?: string): Promise<ReceivedFrame> {
    await this.until(() => this.findUntaken(command) !== -1, `a ${command ?? 'frame'}`);
    const index = this.findUntaken(command);
    this.taken.add(index);
    return this.frames[index]!;
  }

  /** Waits for the server to close the connection. */
  async waitClosed(): Promise<CloseInfo> {
    await this.until(() => this.closeInfo !== undefined, 'the connection to close');
    return this.closeInfo!;
  }

  /** Sends DISCONNECT with a receipt and waits for it, then for the close. */
  async disconnect(): Promise<void> {
    if (this.closeInfo) return;
    this.send('DISCONNECT', { receipt: 'bye' });
    await this.waitClosed();
  }

  terminate(): void {
    this.socket.terminate();
  }

  async until(condition: () => boolean, what: string, timeoutMs = WAIT_MS): Promise<void> {
    await this.wakeups.until(
      condition,
      timeoutMs,
      () => new Error(`Timed out waiting for ${what}; frames so far: ${this.frames.map((f) => f.command).join(', ') || 'none'}`),
    );
  }

  private readonly taken = new Set<number>();

  private findUntaken(command: string | undefined): number {
    return this.frames.findIndex((f, i) => !this.taken.has(i) && (command === undefined || f.command === command));
  }
}
