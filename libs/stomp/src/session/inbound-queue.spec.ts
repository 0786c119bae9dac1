import { StompProtocolError } from '../errors/stomp-protocol.error.js';
import type { StompFrame } from '../protocol/stomp-frame.js';
import { MAX_FRAME_SIZE_MULTIPLES } from '../stomp.options.js';
import { InboundQueue, type InboundConsumer } from './inbound-queue.js';

const QUEUED_FRAME_SIZES = MAX_FRAME_SIZE_MULTIPLES.maxQueuedInboundBytes;

const MAX_FRAME_SIZE = 1024;

function frame(name: string, body = '', headers: Record<string, string> = {}): StompFrame {
  return { command: 'SEND', headers: { destination: `/topic/${name}`, ...headers }, body: Buffer.from(body) };
}

/** A session as the queue sees it: frames named by destination; SENDs to `/topic/slow*` wait until released. */
class RecordingConsumer implements InboundConsumer {
  readonly log: string[] = [];
  private readonly pending: (() => void)[] = [];

  process(f: StompFrame): void | Promise<void> {
    const name = f.headers.destination!.slice('/topic/'.length);
    this.log.push(`start ${name}`);
    if (name === 'throws') throw new Error('sync failure');
    if (name === 'rejects') return Promise.reject(new Error('async failure'));
    if (!name.startsWith('slow')) return;
    return new Promise<void>((resolve) =>
      this.pending.push(() => {
        this.log.push(`end ${name}`);
        resolve();
      }),
    );
  }

  frameFailed(f: StompFrame, error: unknown): void {
    this.log.push(`failed ${f.headers.destination}: ${(error as Error).message}`);
  }

  refuse(error: StompProtocolError): void {
    this.log.push(`refused ${error.code}: ${error.message} (receipt ${error.receiptId})`);
  }

  crashed(error: unknown): void {
    this.log.push(`crashed: ${(error as Error).message}`);
  }

  /** Lets the oldest slow frame finish, and waits until the queue has moved on. */
  async release(): Promise<void> {
    this.pending.shift()!();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('InboundQueue', () => {
  let consumer: RecordingConsumer;
  let queue: InboundQueue;

  beforeEach(() => {
    consumer = new RecordingConsumer();
    queue = new InboundQueue({ maxQueuedInboundBytes: QUEUED_FRAME_SIZES * MAX_FRAME_SIZE, maxFramesPerSecond: 1000 }, consumer);
  });

  it('runs a frame at once when nothing is in progress', () => {
    queue.push(frame('a'));
    queue.push(frame('b'));
    expect(consumer.log).toEqual(['start a', 'start b']);
  });

  it('holds later frames until an asynchronous one is done, then runs them in arrival order', async () => {
    queue.push(frame('slow1'));
    queue.push(frame('a'));
    queue.push(frame('slow2'));
    queue.push(frame('b'));
    expect(consumer.log).toEqual(['start slow1']);
    await consumer.release();
    expect(consumer.log).toEqual(['start slow1', 'end slow1', 'start a', 'start slow2']);
    await consumer.release();
    expect(consumer.log).toEqual(['start slow1', 'end slow1', 'start a', 'start slow2', 'end slow2', 'start b']);
  });

  it('reports a frame that throws, and one that rejects, as failed', async () => {
    queue.push(frame('throws'));
    queue.push(frame('rejects'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(consumer.log).toEqual(['start throws', 'failed /topic/throws: sync failure', 'start rejects', 'failed /topic/rejects: async failure']);
  });

  it('calls the session crashed when reporting an asynchronous failure fails', async () => {
    consumer.frameFailed = () => {
      throw new Error('cannot report');
    };
    queue.push(frame('rejects'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(consumer.log).toEqual(['start rejects', 'crashed: cannot report']);
  });

  it('refuses a decoding error only after the frames that came before it', async () => {
    queue.push(frame('slow'));
    queue.push(frame('a'));
    queue.push(new StompProtocolError('STOMP_ERR_MISSING_NULL', 'bad bytes'));
    queue.push(frame('after'));
    expect(consumer.log).toEqual(['start slow']);
    await consumer.release();
    expect(consumer.log).toEqual(['start slow', 'end slow', 'start a', 'refused STOMP_ERR_MISSING_NULL: bad bytes (receipt undefined)']);
  });

  it('drops everything after an error that ends the session', () => {
    queue.push(new StompProtocolError('STOMP_ERR_MISSING_NULL', 'bad bytes'));
    queue.push(frame('after'));
    expect(consumer.log).toEqual(['refused STOMP_ERR_MISSING_NULL: bad bytes (receipt undefined)']);
  });

  it('refuses the frame that makes the waiting frames outweigh the bound, answering its receipt', async () => {
    const limit = QUEUED_FRAME_SIZES * MAX_FRAME_SIZE;
    queue.push(frame('slow'));
    // Each waits as its body plus an overhead for its headers: 16 frames of maxFrameSize - 256 fill the bound exactly.
    const body = 'x'.repeat(MAX_FRAME_SIZE - 256);
    for (let i = 0; i < QUEUED_FRAME_SIZES; i++) queue.push(frame(`w${i}`, body));
    queue.push(frame('over', 'y', { receipt: 'r-over' }));
    queue.push(frame('dropped'));
    await consumer.release();
    expect(consumer.log.slice(0, 3)).toEqual(['start slow', 'end slow', 'start w0']);
    expect(consumer.log).toHaveLength(3 + QUEUED_FRAME_SIZES);
    expect(consumer.log.at(-1)).toBe(
      `refused STOMP_ERR_LIMIT: Too many frames waiting: more than ${limit} bytes (maxQueuedInboundBytes, derived from option maxFrameSize) arrived while an earlier frame was still being processed (receipt r-over)`,
    );
  });

  it('refuses the frame past the frame rate, answering its receipt', () => {
    // The rate allows bursts of twice itself: the fifth frame at once is one too many.
    const limited = new InboundQueue({ maxQueuedInboundBytes: QUEUED_FRAME_SIZES * MAX_FRAME_SIZE, maxFramesPerSecond: 2 }, consumer);
    for (const name of ['a', 'b', 'c', 'd']) limited.push(frame(name));
    limited.push(frame('e', '', { receipt: 'r-e' }));
    limited.push(frame('f'));
    expect(consumer.log).toEqual([
      'start a',
      'start b',
      'start c',
      'start d',
      'refused STOMP_ERR_LIMIT: Too many frames: more than 2 per second (option maxFramesPerSecond) (receipt r-e)',
    ]);
  });

  it('runs nothing more once closed, not even what was waiting', async () => {
    queue.push(frame('slow'));
    queue.push(frame('waiting'));
    queue.close();
    queue.push(frame('late'));
    await consumer.release();
    expect(consumer.log).toEqual(['start slow', 'end slow']);
  });
});
