import { isBinaryBody } from './content-types.js';
import { encodeHeaderBlock, writableHeaders } from './frame-encoder.js';
import { escapedHeaderLength, escapeHeaderText, writeEscapedHeader } from './header-escaping.js';
import { createHeaders, EMPTY_BODY, type StompFrame } from './stomp-frame.js';
import type { StompVersion } from './stomp-version.js';

const SUBSCRIPTION_LINE = 'MESSAGE\nsubscription:';
const MESSAGE_ID_LINE = '\nmessage-id:';
const ACK_LINE = 'ack:';
const CONTENT_LENGTH_LINE = 'content-length:';
const LF = 0x0a;
const COLON = 0x3a;
const VERSION_BIT: Readonly<Record<StompVersion, number>> = { '1.0': 1, '1.1': 2, '1.2': 4 };

/**
 * A MESSAGE frame encoded once per publish. Only `subscription` (and `message-id`) can differ
 * between subscribers, so a delivery writes those header lines in front of the shared bytes instead
 * of encoding the whole frame again; and consecutive subscribers with the same subscription id (all
 * stomp.js clients call their first one `sub-0`) share one buffer, as a hand-written fan-out would.
 * Frames are shared: their consumers must not modify them. Encodings are made per STOMP version on
 * first use (header escaping differs between versions).
 */
export class MessageFrameTemplate {
  // The header lines after `message-id` (and `ack`), `content-length` and the blank line, per
  // version: a header an older version cannot carry is left out of that version's MESSAGE only, so
  // one old client does not cost every other subscriber the message. Made on first use; the body
  // is not copied into them, so that a message with one subscriber (a handler's reply) copies its
  // body once, into its frame.
  // The first frame of a version is written piece by piece, straight into its buffer, without
  // header text or a buffer of the lines: most messages (a handler's reply to one subscriber) are
  // encoded once. A second frame of the version makes the lines' buffer.
  private tail12: Buffer | undefined;
  private tailsOlder: Partial<Record<StompVersion, Buffer>> | undefined;
  /** Versions whose first frame was written (a bit each, {@link VERSION_BIT}). */
  private written = 0;
  // The last frame made without `ack`: shared with the next subscriber of the same id and version.
  private lastVersion: StompVersion | undefined;
  private lastSubscriptionId: string | undefined;
  private lastMessageId: string | undefined;
  private lastFrame: Buffer | undefined;

  constructor(
    /** Headers of the MESSAGE except `subscription`, `message-id` and `content-length`. */
    readonly headers: Readonly<Record<string, string>>,
    readonly body: Buffer,
    /** Sent as a binary WebSocket message (bodies that are not text). */
    readonly binary: boolean,
  ) {}

  /**
   * The template of one message for its subscribers: what a broker of your own delivers with
   * `subscriber.deliverMessage(template, subscriptionId, messageId, ack?)`, one template per message.
   * Bodies whose content type is not text, or whose bytes are not UTF-8, travel as binary messages.
   */
  static forMessage(message: { readonly destination: string; readonly headers: Readonly<Record<string, string>>; readonly body: Buffer }): MessageFrameTemplate {
    return new MessageFrameTemplate(
      { destination: message.destination, ...message.headers },
      message.body,
      isBinaryBody(message.headers['content-type'], message.body),
    );
  }

  /**
   * The MESSAGE for one subscription, encoded for its session's STOMP version. `ack`: the id a
   * STOMP 1.2 client acknowledges it by (its `ack` header), for subscriptions in `client` or
   * `client-individual` mode; older versions acknowledge by `message-id` and get no `ack` header.
   */
  frameFor(version: StompVersion, subscriptionId: string, messageId: string, ack?: string): Buffer {
    if (ack !== undefined && version === '1.2') return this.encodeHead(version, subscriptionId, messageId, ack);
    if (this.lastFrame !== undefined && this.lastVersion === version && this.lastSubscriptionId === subscriptionId && this.lastMessageId === messageId) {
      return this.lastFrame;
    }
    const out = this.encodeHead(version, subscriptionId, messageId, undefined);
    this.lastVersion = version;
    this.lastSubscriptionId = subscriptionId;
    this.lastMessageId = messageId;
    this.lastFrame = out;
    return out;
  }

  private encodeHead(version: StompVersion, subscriptionId: string, messageId: string, ack: string | undefined): Buffer {
    let tail = version === '1.2' ? this.tail12 : this.tailsOlder?.[version];
    if (tail === undefined) {
      const bit = VERSION_BIT[version];
      if ((this.written & bit) === 0) {
        this.written |= bit;
        return this.firstFrame(version, subscriptionId, messageId, ack);
      }
      tail = Buffer.from(this.tailText(version), 'utf8');
      if (version === '1.2') this.tail12 = tail;
      else (this.tailsOlder ??= {})[version] = tail;
    }
    const ackLine = ack === undefined ? '' : `ack:${escapeHeaderText(ack, version)}\n`;
    // A message id may be an external broker's (the relay's shared subscriptions): ActiveMQ's hold colons.
    const head = `MESSAGE\nsubscription:${escapeHeaderText(subscriptionId, version)}\nmessage-id:${escapeHeaderText(messageId, version)}\n${ackLine}`;
    const headLength = Buffer.byteLength(head, 'utf8');
    const bodyAt = headLength + tail.length;
    const out = Buffer.allocUnsafe(bodyAt + this.body.length + 1);
    out.write(head, 0, 'utf8');
    tail.copy(out, headLength);
    this.body.copy(out, bodyAt);
    out[out.length - 1] = 0;
    return out;
  }

  /**
   * The same bytes as {@link encodeHead} with {@link tailText}, each header name and value escaped
   * as it is written where it goes: no text is built, no string flattened. Two passes over the
   * headers: their lengths, then their bytes.
   */
  private firstFrame(version: StompVersion, subscriptionId: string, messageId: string, ack: string | undefined): Buffer {
    const headers = writableHeaders('MESSAGE', this.headers, version);
    const contentLength = String(this.body.length);
    let length = SUBSCRIPTION_LINE.length + escapedHeaderLength(subscriptionId, version) + MESSAGE_ID_LINE.length + escapedHeaderLength(messageId, version) + 1;
    if (ack !== undefined) length += ACK_LINE.length + escapedHeaderLength(ack, version) + 1;
    for (const name in headers) {
      const value = headers[name];
      if (value === undefined || name === 'content-length') continue;
      length += escapedHeaderLength(name, version) + escapedHeaderLength(value, version) + 2;
    }
    length += CONTENT_LENGTH_LINE.length + contentLength.length + 2;
    const out = Buffer.allocUnsafe(length + this.body.length + 1);
    let at = out.write(SUBSCRIPTION_LINE, 0, 'latin1');
    at += writeEscapedHeader(out, subscriptionId, version, at);
    at += out.write(MESSAGE_ID_LINE, at, 'latin1');
    at += writeEscapedHeader(out, messageId, version, at);
    out[at++] = LF;
    if (ack !== undefined) {
      at += out.write(ACK_LINE, at, 'latin1');
      at += writeEscapedHeader(out, ack, version, at);
      out[at++] = LF;
    }
    for (const name in headers) {
      const value = headers[name];
      if (value === undefined || name === 'content-length') continue;
      at += writeEscapedHeader(out, name, version, at);
      out[at++] = COLON;
      at += writeEscapedHeader(out, value, version, at);
      out[at++] = LF;
    }
    at += out.write(CONTENT_LENGTH_LINE, at, 'latin1');
    at += out.write(contentLength, at, 'latin1');
    out[at++] = LF;
    out[at++] = LF;
    this.body.copy(out, at);
    out[out.length - 1] = 0;
    return out;
  }

  /**
   * The MESSAGE {@link frameFor} encodes, as a frame object: what decoding those bytes would give
   * (headers as the version can carry them, `content-length` included), with a body of its own, so
   * that an outbound interceptor may change it without touching another subscriber's message.
   */
  toFrame(version: StompVersion, subscriptionId: string, messageId: string, ack?: string): StompFrame {
    const headers = createHeaders();
    headers.subscription = subscriptionId;
    headers['message-id'] = messageId;
    if (ack !== undefined && version === '1.2') headers.ack = ack;
    const writable = writableHeaders('MESSAGE', this.headers, version);
    for (const name in writable) if (!(name in headers) && name !== 'content-length') headers[name] = String(writable[name]);
    headers['content-length'] = String(this.body.length);
    return { command: 'MESSAGE', headers, body: this.body.length > 0 ? Buffer.from(this.body) : EMPTY_BODY };
  }

  private tailText(version: StompVersion): string {
    // encodeHeaderBlock starts with the command line, which frameFor writes itself.
    const block = encodeHeaderBlock('MESSAGE', writableHeaders('MESSAGE', this.headers, version), version);
    return `${block.slice('MESSAGE\n'.length)}content-length:${this.body.length}\n\n`;
  }
}
