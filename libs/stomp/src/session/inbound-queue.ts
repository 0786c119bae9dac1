import { StompProtocolError } from '../errors/stomp-protocol.error.js';
import type { StompFrame } from '../protocol/stomp-frame.js';
import { FrameRateLimit } from './frame-rate-limit.js';
import type { SessionSettings } from './session-settings.js';

/** What a frame costs in the wait queue beyond its body: its headers, roughly. */
const QUEUED_FRAME_OVERHEAD = 256;

/** What waits its turn: a frame, or the decoder's verdict on the bytes after the frames before it. */
export type Inbound = StompFrame | StompProtocolError;

/** What the queue hands its frames to: the session. */
export interface InboundConsumer {
  /** Acts on one frame; a promise holds every later frame back until it settles. */
  process(frame: StompFrame): void | Promise<void>;
  /** Processing `frame` threw or rejected with `error`. */
  frameFailed(frame: StompFrame, error: unknown): void;
  /** A decoding error, or a limit the input broke: the session ends with it. */
  refuse(error: StompProtocolError): void;
  /** Reporting a failure failed itself (a bug of ours): the session must end without a word. */
  crashed(error: unknown): void;
}

/**
 * A session's inbound frames, processed one at a time in arrival order even when one is processed
 * asynchronously. The frames that arrive meanwhile wait here, bounded in bytes (back-pressure:
 * past the bound the session ends with an ERROR), and every frame counts against the session's
 * frame rate. After the error that ends the session nothing more is queued, or run.
 */
export class InboundQueue {
  private readonly waiting: Inbound[] = [];
  private readonly frameRate: FrameRateLimit;
  private readonly maxQueuedBytes: number;
  /** What the frames in `waiting` weigh. */
  private queuedBytes = 0;
  /** A frame is being processed asynchronously: later ones wait. */
  private busy = false;
  /** An error that ends the session is queued: later input is dropped. */
  private doomed = false;
  private closed = false;

  constructor(
    private readonly settings: Pick<SessionSettings, 'maxQueuedInboundBytes' | 'maxFramesPerSecond'>,
    private readonly consumer: InboundConsumer,
  ) {
    this.frameRate = new FrameRateLimit(settings.maxFramesPerSecond);
    this.maxQueuedBytes = settings.maxQueuedInboundBytes;
  }

  /** Frames, and a decoding error after them, take effect strictly in arrival order. */
  push(item: Inbound): void {
    // After the error that ends the session, nothing more is even queued.
    if (this.closed || this.doomed) return;
    if (!(item instanceof StompProtocolError) && !this.frameRate.take()) {
      item = new StompProtocolError(
        'STOMP_ERR_LIMIT',
        `Too many frames: more than ${this.settings.maxFramesPerSecond} per second (option maxFramesPerSecond)`,
        { receiptId: item.headers.receipt },
      );
    }
    if (item instanceof StompProtocolError) this.doomed = true;
    if (!this.busy) return this.run(item);
    if (!(item instanceof StompProtocolError)) {
      this.queuedBytes += weight(item);
      if (this.queuedBytes > this.maxQueuedBytes) {
        this.doomed = true;
        item = new StompProtocolError(
          'STOMP_ERR_LIMIT',
          `Too many frames waiting: more than ${this.maxQueuedBytes} bytes (maxQueuedInboundBytes, derived from option maxFrameSize) arrived while an earlier frame was still being processed`,
          { receiptId: item.headers.receipt },
        );
      }
    }
    this.waiting.push(item);
  }

  /** The session ended: what waits is dropped, and nothing more runs. */
  close(): void {
    this.closed = true;
    this.waiting.length = 0;
    this.queuedBytes = 0;
  }

  private run(item: Inbound): void {
    if (item instanceof StompProtocolError) {
      this.consumer.refuse(item);
      return;
    }
    let result: void | Promise<void>;
    try {
      result = this.consumer.process(item);
    } catch (error) {
      this.consumer.frameFailed(item, error);
      return;
    }
    if (!result) return;
    this.busy = true;
    result
      .catch((error: unknown) => {
        try {
          this.consumer.frameFailed(item, error);
        } catch (failure) {
          this.consumer.crashed(failure);
        }
      })
      .finally(() => {
        this.busy = false;
        while (!this.busy && this.waiting.length > 0 && !this.closed) {
          const next = this.waiting.shift()!;
          if (!(next instanceof StompProtocolError)) this.queuedBytes -= weight(next);
          this.run(next);
        }
      });
  }
}

function weight(frame: StompFrame): number {
  return frame.body.length + QUEUED_FRAME_OVERHEAD;
}
