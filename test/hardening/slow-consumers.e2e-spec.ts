import { jest } from '@jest/globals';
import { Logger, Module } from '@nestjs/common';
import { WebSocket } from 'ws';
import { SimpMessagingTemplate, StompModule, StompSessionRegistry } from 'nest-stomp';
import { startApp, type RunningApp } from '../support/apps.js';
import { disconnectOf } from '../support/events.js';
import { lightFrame } from '../support/frame-reading.js';
import { RawStompClient } from '../support/raw-stomp-client.js';
import { closeAll, subscribe } from '../support/raw-frames.js';
import { within } from '../support/timers.js';
import { unique } from '../support/unique.js';
import { netSocketOf } from '../support/websockets.js';

jest.setTimeout(30_000);

const KIB = 1024;
const MIB = 1024 * KIB;
const BODY = 64 * KIB;
const BUFFER_LIMIT = 256 * KIB;
/** 400 MiB pushed through the server while one subscriber has stopped reading... */
const MESSAGES = 6400;
/**
 * ...of which the process (server and clients) may hold this much more at any time: under a third
 * of what went through. Without the limit, the stopped subscriber's buffer alone grows by ~all of it.
 */
const RSS_BOUND = 128 * MIB;
/** Messages in flight between the producer and the healthy subscriber: what its send buffer may hold, well under the limit. */
const WINDOW = 3;

@Module({
  imports: [
    StompModule.forRoot({
      endpoint: '/ws',
      maxFrameSize: 128 * KIB,
      sendBufferSizeLimit: BUFFER_LIMIT,
      sendTimeLimit: 30_000,
      maxFramesPerSecond: 100_000,
    }),
  ],
})
class SlowConsumerModule {}

@Module({
  imports: [StompModule.forRoot({ endpoint: '/ws', maxFrameSize: 128 * KIB, sendBufferSizeLimit: 64 * MIB, sendTimeLimit: 300 })],
})
class SendTimeLimitModule {}

/**
 * A subscriber that reads every message as it comes but keeps none of the bodies: it checks the
 * sequence and the body, and wakes whoever waits for a given sequence number.
 */
class HealthySubscriber {
  received = 0;
  maxLatencyMs = 0;
  private waiters: Array<{ seq: number; wake: () => void }> = [];
  private failure: Error | undefined;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => {
      const frame = lightFrame(data);
      if (!frame || this.failure) return;
      try {
        if (frame.command !== 'MESSAGE') throw new Error(`unexpected ${frame.command}: ${frame.headers.message ?? ''}`);
        const seq = Number(frame.headers['x-seq']);
        if (seq !== this.received) throw new Error(`message ${seq} arrived when ${this.received} was due`);
        if (frame.bodyLength !== BODY || frame.firstBodyByte !== seq % 251 || frame.lastBodyByte !== seq % 251) {
          throw new Error(`message ${seq} arrived damaged`);
        }
        this.maxLatencyMs = Math.max(this.maxLatencyMs, Date.now() - Number(frame.headers['x-sent-at']));
        this.received++;
      } catch (error) {
        this.failure = error as Error;
      }
      this.wakeUp();
    });
    socket.on('close', () => {
      this.failure ??= new Error('the healthy subscriber was disconnected');
      this.wakeUp();
    });
  }

  static async start(url: string, destination: string): Promise<HealthySubscriber> {
    const client = await RawStompClient.connect(url);
    await subscribe(client, destination, 'healthy');
    client.socket.removeAllListeners('message');
    return new HealthySubscriber(client.socket);
  }

  /** Resolves once message `seq` has arrived. */
  has(seq: number): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.received > seq) return Promise.resolve();
    return new Promise((resolve, reject) =>
      this.waiters.push({ seq, wake: () => (this.failure ? reject(this.failure) : this.received > seq ? resolve() : undefined) }),
    );
  }

  private wakeUp(): void {
    const waiting = this.waiters;
    this.waiters = [];
    for (const waiter of waiting) {
      waiter.wake();
      if (!this.failure && this.received <= waiter.seq) this.waiters.push(waiter);
    }
  }
}

function sendFrame(destination: string, seq: number): Buffer {
  const head = Buffer.from(`SEND\ndestination:${destination}\ncontent-type:application/octet-stream\ncontent-length:${BODY}\nx-seq:${seq}\nx-sent-at:${Date.now()}\n\n`);
  const frame = Buffer.allocUnsafe(head.length + BODY + 1);
  head.copy(frame);
  frame.fill(seq % 251, head.length, head.length + BODY);
  frame[frame.length - 1] = 0;
  return frame;
}

describe('hardening: slow consumers (sendBufferSizeLimit 256 KiB)', () => {
  let server: RunningApp;
  let url: string;
  let warn: jest.SpiedFunction<Logger['warn']>;

  beforeAll(async () => {
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    server = await startApp(SlowConsumerModule);
    url = `${server.wsUrl}/ws`;
  });

  afterAll(async () => {
    await server.close();
    warn.mockRestore();
  });

  it('closes a subscriber that stopped reading while a healthy one gets all of a 400 MiB flood in order, and memory stays bounded', async () => {
    const destination = `/topic/${unique('flood')}`;
    const healthy = await HealthySubscriber.start(url, destination);
    const slow = await RawStompClient.connect(url);
    const producer = await RawStompClient.connect(url);
    const registry = server.app.get(StompSessionRegistry);
    try {
      const slowSession = slow.frames[0]!.headers.session!;
      await subscribe(slow, destination, 'slow');
      const slowGone = disconnectOf(server.app, slowSession);
      let slowGoneAt: number | undefined;
      void slowGone.then(() => {
        slowGoneAt = healthy.received;
        // Closed, it gets nothing more: reading again now (within the server's closing-handshake
        // timeout, 5 s) lets it find the close after what was buffered for it.
        netSocketOf(slow.socket).resume();
      });
      // The slow client stops reading: what the server writes to it piles up in the kernel, then in its send buffer.
      netSocketOf(slow.socket).pause();

      const rssBefore = process.memoryUsage.rss();
      let rssMax = rssBefore;
      for (let seq = 0; seq < MESSAGES; seq++) {
        if (seq >= WINDOW) await within(healthy.has(seq - WINDOW), 10_000, `message ${seq - WINDOW} at the healthy subscriber`);
        producer.socket.send(sendFrame(destination, seq));
        if (seq % 64 === 0) rssMax = Math.max(rssMax, process.memoryUsage.rss());
      }
      await within(healthy.has(MESSAGES - 1), 10_000, 'the last message at the healthy subscriber');
      rssMax = Math.max(rssMax, process.memoryUsage.rss());

      // The slow one was closed early in the flood, long before the healthy one had the last message.
      const disconnect = await within(slowGone, 1000, 'the slow session to be closed');
      expect(disconnect.reason).toBe('slow-consumer');
      expect(slowGoneAt).toBeLessThan(MESSAGES / 4);
      expect(registry.get(slowSession)).toBeUndefined();
      expect(warn.mock.calls.map(([message]) => String(message))).toContainEqual(
        expect.stringMatching(new RegExp(`^Session ${slowSession} closed: the client reads too slowly: \\d+ bytes wait unsent, over the limit of 262144 \\(option sendBufferSizeLimit\\)$`)),
      );

      expect(healthy.received).toBe(MESSAGES);
      expect(healthy.maxLatencyMs).toBeLessThan(2000);
      expect(rssMax - rssBefore).toBeLessThan(RSS_BOUND);
      expect(MESSAGES * BODY).toBeGreaterThan(3 * RSS_BOUND);

      expect((await slow.waitClosed()).code).toBe(4500);
    } finally {
      netSocketOf(slow.socket).resume();
      healthy.socket.terminate();
      await closeAll(producer, slow);
    }
  });
});

describe('hardening: sendTimeLimit (300 ms)', () => {
  let server: RunningApp;
  let url: string;
  let warn: jest.SpiedFunction<Logger['warn']>;

  beforeAll(async () => {
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    server = await startApp(SendTimeLimitModule);
    url = `${server.wsUrl}/ws`;
  });

  afterAll(async () => {
    await server.close();
    warn.mockRestore();
  });

  it('closes a client whose sends stay stuck for over 300 ms, with its send buffer far under its limit', async () => {
    const destination = `/topic/${unique('stuck')}`;
    const stuck = await RawStompClient.connect(url);
    const sessionId = stuck.frames[0]!.headers.session!;
    await subscribe(stuck, destination);
    const session = server.app.get(StompSessionRegistry).get(sessionId)!;
    const template = server.app.get(SimpMessagingTemplate);
    const gone = disconnectOf(server.app, sessionId);
    let closed = false;
    void gone.then(() => (closed = true));
    netSocketOf(stuck.socket).pause();
    try {
      // Fill the kernel's buffers until the server has to keep bytes of its own for the client...
      const chunk = Buffer.alloc(BODY, 1);
      while (session.bufferedAmount === 0) await template.convertAndSend(destination, chunk);
      const stuckSince = Date.now();
      let maxBuffered = 0;
      // ...then keep sending a little (the limit is checked on each send) until the server gives up.
      // Pacing by time is inherent to a time limit; the loop ends on the disconnect event.
      while (!closed) {
        await template.convertAndSend(destination, 'tick');
        maxBuffered = Math.max(maxBuffered, session.bufferedAmount);
        if (Date.now() - stuckSince > 5000) throw new Error('the stuck client was not closed within 5 s');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const elapsed = Date.now() - stuckSince;
      expect((await gone).reason).toBe('slow-consumer');
      expect(elapsed).toBeGreaterThanOrEqual(300);
      expect(elapsed).toBeLessThan(2000);
      expect(maxBuffered).toBeLessThan(64 * MIB);
      expect(warn.mock.calls.map(([message]) => String(message))).toContain(
        `Session ${sessionId} closed: the client reads too slowly: sends have been stuck for over 300 ms (option sendTimeLimit)`,
      );
      netSocketOf(stuck.socket).resume();
      expect((await stuck.waitClosed()).code).toBe(4500);
    } finally {
      netSocketOf(stuck.socket).resume();
      await closeAll(stuck);
    }
  });
});
