import { connect, type Socket } from 'node:net';
import { StompBrokerUnavailableError } from '../../errors/stomp-broker-unavailable.error.js';
import { StompProtocolError } from '../../errors/stomp-protocol.error.js';
import { FrameDecoder } from '../../protocol/frame-decoder.js';
import { encodeFrame, type OutgoingFrame } from '../../protocol/frame-encoder.js';
import { negotiateHeartBeat, parseHeartBeat } from '../../protocol/heart-beat.js';
import { HeartBeatTimers } from '../../protocol/heart-beat-timers.js';
import type { StompFrame } from '../../protocol/stomp-frame.js';
import type { StompBrokerAddress } from './relay.options.js';

export interface BrokerConnectionOptions {
  readonly address: StompBrokerAddress;
  readonly login: string;
  readonly passcode: string;
  readonly virtualHost: string | undefined;
  readonly heartbeat: readonly [number, number];
  readonly connectTimeout: number;
}

export interface BrokerConnectionHandlers {
  /**
   * MESSAGE frames, and ERRORs that answer no receipt. `raw` (the frame's bytes) and `frame.body`
   * are the decoder's memory, valid during the call only: copy what must outlive it.
   */
  onFrame(frame: StompFrame, raw: Buffer): void;
  /** The connection ended without `close()`: `reason` says why. Called once. */
  onLost(reason: string): void;
}

interface PendingReceipt {
  resolve(): void;
  reject(error: Error): void;
}

/** Frames a broker may send at most this large; brokers cap them themselves. */
const BROKER_LIMITS = { maxFrameSize: 64 * 1024 * 1024, maxHeaders: 1000, maxHeaderLineLength: 1024 * 1024 };
const HEARTBEAT_GRACE = 3;

/**
 * One STOMP 1.2 connection over TCP to an external broker: CONNECT, heart-beats both ways,
 * receipts as promises. A lost connection is reported once and never reused.
 */
export class BrokerConnection {
  private readonly receipts = new Map<string, PendingReceipt>();
  private nextReceipt = 0;
  private readonly heartBeats = new HeartBeatTimers(
    () => {
      if (!this.ended) this.socket.write('\n');
    },
    (receiveTimeout) => this.lost(`no heart-beat from the broker for ${receiveTimeout} ms`),
  );
  private ended = false;
  /** The broker's `server` header from CONNECTED (`RabbitMQ/3.10.8`, `ActiveMQ/5.17.2`), if it sent one. */
  server: string | undefined;

  private constructor(
    private readonly socket: Socket,
    private readonly handlers: BrokerConnectionHandlers,
    readonly address: StompBrokerAddress,
    /** How long a request waits for its RECEIPT: the connect timeout's budget. */
    private readonly requestTimeout: number,
  ) {}

  /** Connects and waits for CONNECTED; rejects with the broker's ERROR or the network error. */
  static open(options: BrokerConnectionOptions, handlers: BrokerConnectionHandlers): Promise<BrokerConnection> {
    const where = `${options.address.host}:${options.address.port}`;
    return new Promise((resolve, reject) => {
      const socket = connect({ host: options.address.host, port: options.address.port });
      socket.setNoDelay(true);
      const connection = new BrokerConnection(socket, handlers, options.address, options.connectTimeout);
      let connected = false;
      const fail = (reason: string) => {
        clearTimeout(timer);
        socket.destroy();
        reject(new Error(`Cannot connect to the STOMP broker at ${where}: ${reason}`));
      };
      const timer = setTimeout(() => fail(`no CONNECTED within ${options.connectTimeout} ms`), options.connectTimeout);
      const decoder = new FrameDecoder(
        {
          onFrame: (frame, source) => {
            if (connected) return connection.onFrame(frame, source.frameBytes());
            if (frame.command === 'CONNECTED') {
              connected = true;
              clearTimeout(timer);
              connection.server = frame.headers.server;
              connection.startHeartbeats(options.heartbeat, frame.headers['heart-beat']);
              resolve(connection);
            } else {
              fail(frame.command === 'ERROR' ? `ERROR ${frame.headers.message ?? ''}`.trim() : `unexpected ${frame.command}`);
            }
          },
          onHeartbeat: () => undefined,
          onError: (error: StompProtocolError) => (connected ? connection.lost(`unreadable data from the broker: ${error.message}`) : fail(error.message)),
        },
        BROKER_LIMITS,
        // Every consumer (the relay's toClient, the system connection) reads a body before it returns.
        true,
      );
      socket.on('data', (data: Buffer) => {
        connection.heartBeats.received();
        decoder.push(data);
      });
      socket.on('error', (error) => (connected ? connection.lost(error.message) : fail(error.message)));
      socket.on('close', () => (connected ? connection.lost('the broker closed the connection') : fail('connection closed')));
      socket.once('connect', () => {
        const headers: Record<string, string> = {
          'accept-version': '1.2',
          login: options.login,
          passcode: options.passcode,
          'heart-beat': `${options.heartbeat[0]},${options.heartbeat[1]}`,
        };
        if (options.virtualHost !== undefined) headers.host = options.virtualHost;
        socket.write(encodeFrame({ command: 'CONNECT', headers }, '1.2'));
      });
    });
  }

  get isOpen(): boolean {
    return !this.ended;
  }

  send(frame: OutgoingFrame): void {
    if (this.ended) throw new Error(`The connection to the STOMP broker at ${this.address.host}:${this.address.port} is closed`);
    this.socket.write(encodeFrame(frame, '1.2'));
    this.heartBeats.sent();
  }

  /** Sends with a `receipt` and resolves when the broker's RECEIPT says the frame took effect. */
  request(frame: OutgoingFrame): Promise<void> {
    const receipt = `r${this.nextReceipt++}`;
    return new Promise<void>((resolve, reject) => {
      // A broker that never answers must not hold a sender (and its session) forever.
      const timer = setTimeout(() => {
        this.receipts.delete(receipt);
        reject(new StompBrokerUnavailableError(`The STOMP broker did not confirm a ${frame.command} within ${this.requestTimeout} ms`));
      }, this.requestTimeout);
      this.receipts.set(receipt, {
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      try {
        this.send({ ...frame, headers: { ...frame.headers, receipt } });
      } catch (error) {
        this.receipts.delete(receipt);
        reject(error as Error);
      }
    });
  }

  /** Polite close: DISCONNECT, then end; pending receipts are rejected. */
  close(): void {
    if (this.ended) return;
    try {
      this.send({ command: 'DISCONNECT' });
    } catch {
      // Already gone: nothing to be polite to.
    }
    this.end(new Error('The connection to the STOMP broker was closed'));
    this.socket.end();
  }

  private onFrame(frame: StompFrame, raw: Buffer): void {
    const receiptId = frame.headers['receipt-id'];
    if (frame.command === 'RECEIPT' && receiptId !== undefined) {
      const pending = this.receipts.get(receiptId);
      this.receipts.delete(receiptId);
      pending?.resolve();
      return;
    }
    if (frame.command === 'ERROR') {
      const refusal = new StompBrokerUnavailableError(`The STOMP broker refused it: ${describeError(frame)}`);
      const pending = receiptId === undefined ? undefined : this.receipts.get(receiptId);
      if (pending) {
        this.receipts.delete(receiptId!);
        pending.reject(refusal);
        return;
      }
      // RabbitMQ answers some refusals (an invalid destination) without receipt-id: whatever waits
      // on this connection may be the cause, and must not wait forever.
      for (const waiting of this.receipts.values()) waiting.reject(refusal);
      this.receipts.clear();
    }
    this.handlers.onFrame(frame, raw);
  }

  private startHeartbeats(ours: readonly [number, number], theirs: string | undefined): void {
    this.heartBeats.start(negotiateHeartBeat(parseHeartBeat(theirs), ours, HEARTBEAT_GRACE));
  }

  private lost(reason: string): void {
    if (this.ended) return;
    this.end(new Error(`Lost the connection to the STOMP broker at ${this.address.host}:${this.address.port}: ${reason}`));
    this.socket.destroy();
    this.handlers.onLost(reason);
  }

  private end(error: Error): void {
    this.ended = true;
    this.heartBeats.stop();
    for (const pending of this.receipts.values()) pending.reject(error);
    this.receipts.clear();
  }
}

/** An ERROR's `message` and, where the broker explains more in the body, that too. */
export function describeError(frame: StompFrame): string {
  const details = frame.body.toString('utf8').trim();
  return `${frame.headers.message ?? 'ERROR'}${details ? ` (${details})` : ''}`;
}
