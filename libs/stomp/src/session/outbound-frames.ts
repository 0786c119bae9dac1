import type { StompSession } from '../interfaces/stomp-session.interface.js';
import { decodeFrame } from '../protocol/decode-frame.js';
import { encodeFrame, encodePlainFrame, UNNEGOTIATED, writableHeaders, type OutgoingFrame } from '../protocol/frame-encoder.js';
import type { MessageFrameTemplate } from '../protocol/message-frame-template.js';
import { createHeaders, EMPTY_BODY, type StompFrame, type StompHeaders } from '../protocol/stomp-frame.js';
import type { InterceptorChains } from './interceptor-chains.js';
import type { SendLimits } from './send-limits.js';
import type { StompConnection } from './stomp-connection.js';

/** Who hears of the writes: the session (an object rather than two closures per session). */
export interface WriteWatcher {
  /** After each write: the next heart-beat is due a whole interval later. */
  written(): void;
  /** A send limit was passed: why. */
  tooSlow(reason: string): void;
}

/**
 * What one session writes to its client, through the outbound interceptors when there are any.
 * Interceptors see frame objects: a MESSAGE from a template or a frame object is built as one
 * only for a session that has outbound interceptors, never decoded from bytes; without them the
 * bytes go out as they are. Every write pushes the next heart-beat back (the watcher's `written`) and checks
 * the send limits: past one, the watcher hears why.
 */
export class OutboundFrames {
  constructor(
    private readonly connection: StompConnection,
    private readonly interceptors: InterceptorChains,
    private readonly sendLimits: SendLimits,
    private readonly watcher: WriteWatcher,
  ) {}

  /** Encoded bytes from a broker of the application's own: only these are decoded for interceptors. */
  deliver(session: StompSession, bytes: Buffer, binary: boolean): void {
    if (this.interceptors.hasOutbound) {
      const frame = this.interceptors.applyOutbound(decodeFrame(bytes, session.version), session);
      if (!frame) return;
      bytes = encodeFrame(frame, session.version);
    }
    this.write(bytes, binary);
  }

  /** One subscription's MESSAGE of a fan-out. */
  deliverMessage(session: StompSession, template: MessageFrameTemplate, subscriptionId: string, messageId: string, ack?: string): void {
    if (!this.interceptors.hasOutbound) {
      this.write(template.frameFor(session.version, subscriptionId, messageId, ack), template.binary);
      return;
    }
    const frame = this.interceptors.applyOutbound(template.toFrame(session.version, subscriptionId, messageId, ack), session);
    if (frame) this.write(encodeFrame(frame, session.version), template.binary);
  }

  /** A MESSAGE made for this session alone (relayed from the broker, or a handler's reply), headers writable in its version. */
  deliverFrame(session: StompSession, frame: StompFrame, binary: boolean): void {
    if (!this.interceptors.hasOutbound) {
      this.write(encodeFrame(frame, session.version), binary);
      return;
    }
    // What decoding the encoded frame would give: the headers, `content-length` for a body, a body of its own.
    const headers = createHeaders();
    for (const name in frame.headers) if (name !== 'content-length') headers[name] = frame.headers[name]!;
    if (frame.body.length > 0) headers['content-length'] = String(frame.body.length);
    const body = frame.body.length > 0 ? Buffer.from(frame.body) : EMPTY_BODY;
    const intercepted = this.interceptors.applyOutbound({ command: frame.command, headers, body }, session);
    if (intercepted) this.write(encodeFrame(intercepted, session.version), binary);
  }

  /** A frame of the session itself (CONNECTED, RECEIPT, ERROR). */
  send(session: StompSession, frame: OutgoingFrame): void {
    if (this.interceptors.hasOutbound) {
      const intercepted = this.interceptors.applyOutbound(
        {
          command: frame.command,
          headers: stringHeaders(frame.headers),
          body: typeof frame.body === 'string' ? Buffer.from(frame.body) : (frame.body ?? Buffer.alloc(0)),
        },
        session,
      );
      if (!intercepted) return;
      frame = intercepted;
    }
    // CONNECTED and a RECEIPT, usually: headers that read the same in every version.
    const plain = frame.body === undefined ? encodePlainFrame(frame.command, frame.headers) : undefined;
    if (plain) return this.write(plain, false);
    // Before CONNECTED no version is agreed, and clients do not unescape there: an ERROR answering
    // a CONNECT is written unescaped, as STOMP 1.2 writes CONNECT and CONNECTED (1.0's rules).
    const version = session.isConnected ? session.version : UNNEGOTIATED;
    // Header values may come from the client (a receipt id): never let one make writing throw.
    const headers = writableHeaders(frame.command, frame.headers ?? {}, version);
    this.write(encodeFrame({ ...frame, headers }, version), false);
  }

  private write(bytes: Buffer, binary: boolean): void {
    this.connection.send(bytes, binary);
    this.watcher.written();
    // A client that does not read lets data pile up here (ws's `bufferedAmount`).
    const reason = this.sendLimits.check(this.connection.bufferedAmount);
    if (reason !== undefined) this.watcher.tooSlow(reason);
  }
}

function stringHeaders(headers: OutgoingFrame['headers']): StompHeaders {
  const out: StompHeaders = {};
  for (const name in headers) if (headers[name] !== undefined) out[name] = String(headers[name]);
  return out;
}
