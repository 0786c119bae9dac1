import { encodeHeaderBlock } from './frame-encoder.js';
import { escapeHeaderText, isEncodableHeaderText } from './header-escaping.js';
import type { StompVersion } from './stomp-version.js';

/**
 * A MESSAGE frame encoded once per publish. Only `subscription` and `message-id` differ between
 * subscribers, so each delivery writes those two header lines in front of the shared bytes instead
 * of encoding the whole frame again. Encodings are made per STOMP version on first use (header
 * escaping differs between versions).
 */
export class MessageFrameTemplate {
  private readonly tails: Partial<Record<StompVersion, Buffer>> = {};

  constructor(
    /** Headers of the MESSAGE except `subscription`, `message-id` and `content-length`. */
    readonly headers: Readonly<Record<string, string>>,
    readonly body: Buffer,
    /** Sent as a binary WebSocket message (bodies that are not text). */
    readonly binary: boolean,
  ) {}

  frameFor(version: StompVersion, subscriptionId: string, messageId: string): Buffer {
    const tail = this.tails[version] ?? this.encodeTail(version);
    const head = `MESSAGE\nsubscription:${escapeHeaderText(subscriptionId, version)}\nmessage-id:${messageId}\n`;
    const headLength = Buffer.byteLength(head, 'utf8');
    const out = Buffer.allocUnsafe(headLength + tail.length);
    out.write(head, 0, 'utf8');
    tail.copy(out, headLength);
    return out;
  }

  private encodeTail(version: StompVersion): Buffer {
    // encodeHeaderBlock starts with the command line, which frameFor writes itself.
    const block = encodeHeaderBlock('MESSAGE', this.headersWritableIn(version), version).slice('MESSAGE\n'.length);
    const head = Buffer.from(`${block}content-length:${this.body.length}\n\n`, 'utf8');
    const tail = Buffer.allocUnsafe(head.length + this.body.length + 1);
    head.copy(tail, 0);
    this.body.copy(tail, head.length);
    tail[tail.length - 1] = 0;
    this.tails[version] = tail;
    return tail;
  }

  /**
   * A header an older version cannot carry (a line break for a 1.0 subscriber, `\r` for 1.1) is left
   * out of that version's MESSAGE: one old client must not cost every other subscriber the message.
   */
  private headersWritableIn(version: StompVersion): Readonly<Record<string, string>> {
    let writable: Record<string, string> | undefined;
    for (const name in this.headers) {
      const value = this.headers[name]!;
      if (isEncodableHeaderText(name, version, true, true) && isEncodableHeaderText(value, version, false, true)) continue;
      writable ??= { ...this.headers };
      delete writable[name];
    }
    return writable ?? this.headers;
  }
}
