import { StompEncodingError } from '../errors/stomp-encoding.error.js';
import { escapeHeaderText, isEncodableHeaderText } from './header-escaping.js';
import { mayHaveBody, usesHeaderEscaping } from './stomp-commands.js';
import { EMPTY_BODY } from './stomp-frame.js';
import type { StompVersion } from './stomp-version.js';

/**
 * How frames are written before CONNECTED has agreed a version: without header escaping, as STOMP
 * 1.2 writes CONNECT and CONNECTED for the sake of 1.0 peers. 1.0 escapes nothing.
 */
export const UNNEGOTIATED: StompVersion = '1.0';

export interface OutgoingFrame {
  readonly command: string;
  readonly headers?: Readonly<Record<string, string | number | undefined>>;
  readonly body?: Buffer | string;
}

/**
 * Writes the command and header lines, escaped for `version`, ending with the blank line.
 * `content-length` is left out: {@link encodeFrame} computes it from the body.
 */
export function encodeHeaderBlock(command: string, headers: OutgoingFrame['headers'], version: StompVersion): string {
  const escaped = usesHeaderEscaping(command);
  let text = `${command}\n`;
  if (headers) {
    for (const name in headers) {
      const raw = headers[name];
      if (raw === undefined || name === 'content-length') continue;
      const value = String(raw);
      if (!isEncodableHeaderText(name, version, true, escaped) || !isEncodableHeaderText(value, version, false, escaped)) {
        throw StompEncodingError.unencodableHeader(name, command, version);
      }
      text += escaped ? `${escapeHeaderText(name, version)}:${escapeHeaderText(value, version)}\n` : `${name}:${value}\n`;
    }
  }
  return text;
}

/**
 * `headers` without those the version cannot carry in this command (a line break in STOMP 1.0, a
 * `\r` in 1.1, a NUL anywhere): what the server writes when a header came from someone else and must
 * not cost the frame, or crash the writer.
 */
export function writableHeaders<H extends Readonly<Record<string, string | number | undefined>>>(command: string, headers: H, version: StompVersion): H {
  const escaped = usesHeaderEscaping(command);
  let writable: H | undefined;
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    if (isEncodableHeaderText(name, version, true, escaped) && isEncodableHeaderText(String(value), version, false, escaped)) continue;
    writable ??= { ...headers };
    delete writable[name];
  }
  return writable ?? headers;
}

/**
 * Encodes a frame. A non-empty body always gets an exact `content-length` (recomputed, whatever the
 * caller passed), so bodies may contain NUL octets.
 */
export function encodeFrame(frame: OutgoingFrame, version: StompVersion): Buffer {
  const body = frame.body === undefined ? EMPTY_BODY : typeof frame.body === 'string' ? Buffer.from(frame.body, 'utf8') : frame.body;
  if (body.length > 0 && !mayHaveBody(frame.command)) throw StompEncodingError.bodyNotAllowed(frame.command);
  let head = encodeHeaderBlock(frame.command, frame.headers, version);
  if (body.length > 0) head += `content-length:${body.length}\n`;
  head += '\n';
  const headLength = Buffer.byteLength(head, 'utf8');
  const out = Buffer.allocUnsafe(headLength + body.length + 1);
  out.write(head, 0, 'utf8');
  body.copy(out, headLength);
  out[out.length - 1] = 0;
  return out;
}

/** What header text must not hold to be written as it is in every version: NUL, line ends, and what escaping changes (`\\` and `:`). */
const NOT_PLAIN = /[\0\n\r\\:]/;

/**
 * A frame without a body whose headers need neither escaping nor checks in any version: the bytes
 * {@link encodeFrame} writes for it in every version, without its generic work (a session's
 * CONNECTED and RECEIPT, one each per session opened in a connection storm). `undefined` when a
 * header is not plain: {@link encodeFrame} is for that one.
 */
export function encodePlainFrame(command: string, headers: OutgoingFrame['headers']): Buffer | undefined {
  const parts = plainParts;
  parts.push(command, '\n');
  for (const name in headers) {
    const raw = headers[name];
    if (raw === undefined || name === 'content-length') continue;
    const value = typeof raw === 'string' ? raw : String(raw);
    if (name.length === 0 || NOT_PLAIN.test(name) || NOT_PLAIN.test(value)) {
      parts.length = 0;
      return undefined;
    }
    parts.push(name, ':', value, '\n');
  }
  parts.push('\n\0');
  // One flat string from the pieces, rather than a concatenation per piece.
  const text = parts.join('');
  parts.length = 0;
  return Buffer.from(text, 'utf8');
}

/** The pieces of the frame being written: one array for every call (they never overlap). */
const plainParts: string[] = [];
