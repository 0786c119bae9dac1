import { StompProtocolError } from '../errors/stomp-protocol.error.js';
import { truncate } from '../util/truncate.js';
import { parseHeaderBlock } from './header-block.js';
import { EMPTY_BODY, type StompFrame, type StompHeaders } from './stomp-frame.js';
import type { StompVersion } from './stomp-version.js';

const LF = 0x0a;
const CR = 0x0d;
const NUL = 0x00;

export interface FrameDecoderLimits {
  /** Largest frame, command line and headers included, in bytes. */
  readonly maxFrameSize: number;
  /** Most header lines in one frame. */
  readonly maxHeaders: number;
  /** Longest command or header line, in bytes. */
  readonly maxHeaderLineLength: number;
}

/** The bytes of the frame being handed over, for a consumer that forwards them (the relay). */
export interface FrameBytes {
  /**
   * The frame's own bytes, command line to NUL, as they arrived: a view of the decoder's memory,
   * valid only during `onFrame` (copy what must outlive it). Made on request: a session never asks.
   */
  frameBytes(): Buffer;
}

export interface FrameDecoderHandlers {
  /** `source.frameBytes()`: the frame's bytes as they arrived, during the call only. */
  onFrame(frame: StompFrame, source: FrameBytes): void;
  /** An EOL between frames: a heart-beat from the peer. */
  onHeartbeat(): void;
  /** The input is not STOMP. The decoder ignores everything after this. */
  onError(error: StompProtocolError): void;
}

/** A whole frame, or one of the two markers: no object per frame beyond the frame itself. */
type Parsed = StompFrame | typeof MORE | typeof HEARTBEAT;

const MORE = 'more';
const HEARTBEAT = 'heartbeat';

interface PendingHeaders {
  readonly command: string;
  readonly headers: StompHeaders;
  readonly bodyStart: number;
  /** Index of the terminating NUL when `content-length` gave it. */
  readonly bodyEnd: number | undefined;
}

/**
 * Streaming STOMP decoder. Bytes arrive in any slicing (several frames in one WebSocket message,
 * one frame across several); complete frames leave in order. Frames are parsed one at a time, so a
 * `version` changed from inside `onFrame` already applies to the next frame of the same chunk.
 *
 * Whatever the input, `push` never throws: malformed input ends in one `onError`.
 */
export class FrameDecoder {
  /** Decides header unescaping; the session sets it once CONNECT has negotiated the version. */
  version: StompVersion = '1.2';

  /** The unparsed bytes: a view of `store`. */
  private buffer: Buffer = EMPTY_BODY;
  /**
   * Backing memory of `buffer`: the caller's chunk as long as it holds everything, otherwise an
   * allocation of ours that grows by doubling, so a frame trickling in as tiny chunks costs linear,
   * not quadratic, copying.
   */
  private store: Buffer = EMPTY_BODY;
  private ownsStore = false;
  /** Where the frame being read starts in `buffer` (its heart-beats skipped). */
  private frameStart = 0;
  /** Where the search for the end of the headers resumes, so no byte is scanned twice. */
  private headerScan = 0;
  private headerLines = 0;
  private pending: PendingHeaders | undefined;
  /** `receipt` header of the frame being read, once its headers are parsed. */
  private receiptOfCurrentFrame: string | undefined;
  /** Where the search for a NUL resumes, for bodies without `content-length`. */
  private bodyScan = 0;
  private failed = false;
  /** Where the frame `onFrame` is handed sits in `buffer`, for {@link frameBytes}. */
  private rawStart = 0;
  private rawEnd = 0;

  constructor(
    private readonly handlers: FrameDecoderHandlers,
    private readonly limits: FrameDecoderLimits,
    /**
     * `true`: a frame's body is a view of the decoder's memory, like `raw`, valid only during
     * `onFrame`, for a consumer that copies what it keeps (the relay); by default each body is a
     * copy of its own.
     */
    private readonly lendBodies = false,
  ) {}

  frameBytes(): Buffer {
    return this.buffer.subarray(this.rawStart, this.rawEnd);
  }

  /** A view when lending, else a copy of its own (copied straight from the buffer, without a view first). */
  private bodyOf(buf: Buffer, start: number, end: number): Buffer {
    if (end <= start) return EMPTY_BODY;
    if (this.lendBodies) return buf.subarray(start, end);
    const body = Buffer.allocUnsafe(end - start);
    buf.copy(body, 0, start, end);
    return body;
  }

  /** Bytes buffered for an incomplete frame. */
  get bufferedBytes(): number {
    return this.buffer.length - this.frameStart;
  }

  push(chunk: Buffer | string): void {
    if (this.failed) return;
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    if (bytes.length === 0) return;
    this.append(bytes);

    for (;;) {
      let parsed: Parsed;
      try {
        parsed = this.parseNext();
      } catch (error) {
        const protocolError =
          error instanceof StompProtocolError
            ? error
            : new StompProtocolError('STOMP_ERR_DECODER', `Malformed frame: ${(error as Error).message}`, { cause: error });
        this.fail(protocolError.withReceipt(this.receiptOfCurrentFrame));
        return;
      }
      if (parsed === MORE) break;
      if (parsed === HEARTBEAT) this.handlers.onHeartbeat();
      else this.handlers.onFrame(parsed, this);
      if (this.failed) return;
    }
    if (this.frameStart === this.buffer.length) {
      // Nothing pending: let go of the memory (idle sessions hold no buffer).
      this.rebase(this.frameStart);
      this.buffer = this.store = EMPTY_BODY;
      this.ownsStore = false;
    }
  }

  private append(bytes: Buffer): void {
    const pending = this.buffer.length - this.frameStart;
    if (pending === 0) {
      this.rebase(this.frameStart);
      this.buffer = this.store = bytes;
      this.ownsStore = false;
      return;
    }
    const needed = pending + bytes.length;
    if (!this.ownsStore || needed > this.store.length) {
      const grown = Buffer.allocUnsafe(Math.max(needed, 2 * this.store.length, 1024));
      this.buffer.copy(grown, 0, this.frameStart);
      this.store = grown;
      this.ownsStore = true;
      this.rebase(this.frameStart);
    } else if (this.frameStart + needed > this.store.length) {
      this.store.copyWithin(0, this.frameStart, this.buffer.length);
      this.rebase(this.frameStart);
    }
    const end = this.frameStart + pending;
    bytes.copy(this.store, end);
    this.buffer = this.store.subarray(0, end + bytes.length);
  }

  /** Shift every index after dropping `offset` bytes from the front of the buffer. */
  private rebase(offset: number): void {
    if (offset === 0) return;
    this.headerScan -= offset;
    this.bodyScan -= offset;
    this.frameStart = 0;
    if (this.pending) {
      this.pending = {
        ...this.pending,
        bodyStart: this.pending.bodyStart - offset,
        bodyEnd: this.pending.bodyEnd === undefined ? undefined : this.pending.bodyEnd - offset,
      };
    }
  }

  private fail(error: StompProtocolError): void {
    this.failed = true;
    this.buffer = this.store = EMPTY_BODY;
    this.pending = undefined;
    this.handlers.onError(error);
  }

  private parseNext(): Parsed {
    const buf = this.buffer;
    if (!this.pending) {
      if (this.frameStart >= buf.length) return MORE;
      if (this.headerScan === this.frameStart) {
        const first = buf[this.frameStart];
        if (first === LF) return this.skipHeartbeat(1);
        if (first === CR) {
          if (this.frameStart + 1 >= buf.length) return MORE;
          if (buf[this.frameStart + 1] === LF) return this.skipHeartbeat(2);
        }
      }
      const headers = this.readHeaders();
      if (!headers) return MORE;
      this.pending = headers;
      this.bodyScan = headers.bodyStart;
    }
    return this.readBody(this.pending);
  }

  private skipHeartbeat(length: number): Parsed {
    this.frameStart += length;
    this.headerScan = this.frameStart;
    return HEARTBEAT;
  }

  private readHeaders(): PendingHeaders | undefined {
    const buf = this.buffer;
    const { maxHeaderLineLength, maxHeaders, maxFrameSize } = this.limits;
    let lineStart = this.headerScan;
    // The first NUL ahead, found once rather than line by line: a header line holding it is an error.
    const nul = buf.indexOf(NUL, lineStart);
    for (;;) {
      const lineEnd = buf.indexOf(LF, lineStart);
      const end = lineEnd === -1 ? buf.length : lineEnd;
      if (nul !== -1 && nul < end) {
        throw new StompProtocolError(
          'STOMP_ERR_UNEXPECTED_NULL',
          'Frame ended (NUL octet) before the blank line that ends its headers',
        );
      }
      if (end - lineStart > maxHeaderLineLength) {
        throw new StompProtocolError(
          'STOMP_ERR_HEADER_TOO_LONG',
          `A command or header line is longer than the limit of ${maxHeaderLineLength} bytes`,
        );
      }
      if (end - this.frameStart > maxFrameSize) throw this.frameTooLarge();
      if (lineEnd === -1) {
        this.headerScan = lineStart;
        return undefined;
      }
      const contentEnd = lineEnd > lineStart && buf[lineEnd - 1] === CR ? lineEnd - 1 : lineEnd;
      if (contentEnd === lineStart) {
        const { command, headers } = parseHeaderBlock(this.buffer.toString('utf8', this.frameStart, lineStart), this.version);
        this.receiptOfCurrentFrame = headers.receipt;
        const bodyStart = lineEnd + 1;
        const contentLength = this.contentLength(headers);
        this.headerScan = bodyStart;
        this.headerLines = 0;
        return { command, headers, bodyStart, bodyEnd: contentLength === undefined ? undefined : bodyStart + contentLength };
      }
      if (++this.headerLines > maxHeaders + 1) {
        throw new StompProtocolError('STOMP_ERR_TOO_MANY_HEADERS', `Frame has more than the limit of ${maxHeaders} headers`);
      }
      lineStart = lineEnd + 1;
    }
  }

  private contentLength(headers: StompHeaders): number | undefined {
    const raw = headers['content-length'];
    if (raw === undefined) return undefined;
    if (!/^\d{1,15}$/.test(raw)) {
      throw new StompProtocolError('STOMP_ERR_BAD_CONTENT_LENGTH', `Invalid 'content-length' header value '${truncate(raw)}': expected a number of bytes`);
    }
    const length = Number(raw);
    // Refused before its body arrives, in the words of every other breach of the same limit.
    if (length > this.limits.maxFrameSize) throw this.frameTooLarge();
    return length;
  }

  private readBody(pending: PendingHeaders): Parsed {
    const buf = this.buffer;
    let nul: number;
    if (pending.bodyEnd !== undefined) {
      if (pending.bodyEnd - this.frameStart + 1 > this.limits.maxFrameSize) throw this.frameTooLarge();
      if (buf.length <= pending.bodyEnd) return MORE;
      if (buf[pending.bodyEnd] !== NUL) {
        throw new StompProtocolError(
          'STOMP_ERR_MISSING_NULL',
          `Frame must be terminated with a null octet: no NUL after the ${pending.bodyEnd - pending.bodyStart} bytes its 'content-length' announced`,
        );
      }
      nul = pending.bodyEnd;
    } else {
      nul = buf.indexOf(NUL, this.bodyScan);
      if (nul === -1) {
        if (buf.length - this.frameStart > this.limits.maxFrameSize) throw this.frameTooLarge();
        this.bodyScan = buf.length;
        return MORE;
      }
    }
    if (nul - this.frameStart + 1 > this.limits.maxFrameSize) throw this.frameTooLarge();
    const frame: StompFrame = { command: pending.command, headers: pending.headers, body: this.bodyOf(buf, pending.bodyStart, nul) };
    this.rawStart = this.frameStart;
    this.rawEnd = nul + 1;
    this.pending = undefined;
    this.receiptOfCurrentFrame = undefined;
    this.frameStart = nul + 1;
    this.headerScan = this.frameStart;
    return frame;
  }

  private frameTooLarge(): StompProtocolError {
    return new StompProtocolError(
      'STOMP_ERR_FRAME_TOO_LARGE',
      `Frame exceeds the size limit of ${this.limits.maxFrameSize} bytes (option maxFrameSize)`,
    );
  }
}
