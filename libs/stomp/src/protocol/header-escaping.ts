import type { StompVersion } from './stomp-version.js';

// STOMP 1.1 escapes \n, : and \\; 1.2 adds \r. 1.0 has no escaping at all.
const ESCAPE_11 = /[\\\n:]/g;
const ESCAPE_12 = /[\\\r\n:]/g;
const ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '\r': '\\r', '\n': '\\n', ':': '\\c' };
const NEEDS_ESCAPE_11 = /[\\\n:]/;
const NEEDS_ESCAPE_12 = /[\\\r\n:]/;

export function escapeHeaderText(text: string, version: StompVersion): string {
  if (version === '1.0') return text;
  if (version === '1.1') return NEEDS_ESCAPE_11.test(text) ? text.replace(ESCAPE_11, (c) => ESCAPES[c]!) : text;
  return NEEDS_ESCAPE_12.test(text) ? text.replace(ESCAPE_12, (c) => ESCAPES[c]!) : text;
}

/**
 * Reverses {@link escapeHeaderText}. Returns `undefined` for an escape sequence the version does
 * not define (for example `\t`), which STOMP 1.2 makes a fatal protocol error.
 */
export function unescapeHeaderText(text: string, version: StompVersion): string | undefined {
  if (version === '1.0' || !text.includes('\\')) return text;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    const next = text[++i];
    if (next === '\\') out += '\\';
    else if (next === 'n') out += '\n';
    else if (next === 'c') out += ':';
    else if (next === 'r' && version === '1.2') out += '\r';
    else return undefined;
  }
  return out;
}

/** Whether `text` can travel as a header name (`isName`) or value in this version at all. */
export function isEncodableHeaderText(text: string, version: StompVersion, isName: boolean, escaped: boolean): boolean {
  if (isName && text.length === 0) return false;
  // No version can escape a NUL octet: in a header it would end the frame early.
  if (text.includes('\0')) return false;
  if (escaped && version !== '1.0') return version === '1.2' || !text.includes('\r');
  // Unescaped (1.0, or CONNECT/CONNECTED frames): no line ends, and no colon in a name.
  if (text.includes('\n') || text.includes('\r')) return false;
  return !(isName && text.includes(':'));
}

// escapeHeaderText, measured and written straight into a frame's buffer: a MESSAGE written once
// (a handler's reply) is built from its header names and values without text or regex tests.
// Header text is short and almost always ASCII; anything else goes through escapeHeaderText.
const BACKSLASH = 0x5c;
/** The letter after the backslash, by escaped character code (`\\`, `\r`, `\n`, `:`). */
const ESCAPE_LETTER: Readonly<Record<number, number>> = { 0x5c: 0x5c, 0x0d: 0x72, 0x0a: 0x6e, 0x3a: 0x63 };

function escapes(code: number, version: StompVersion): boolean {
  return version !== '1.0' && (code === BACKSLASH || code === 0x0a || code === 0x3a || (code === 0x0d && version === '1.2'));
}

/** The UTF-8 length of `escapeHeaderText(text, version)`. */
export function escapedHeaderLength(text: string, version: StompVersion): number {
  let length = text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0x80) return Buffer.byteLength(escapeHeaderText(text, version), 'utf8');
    if (escapes(code, version)) length++;
  }
  return length;
}

/** Writes `escapeHeaderText(text, version)` as UTF-8 into `out` at `at`; returns the bytes written. */
export function writeEscapedHeader(out: Buffer, text: string, version: StompVersion, at: number): number {
  let to = at;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0x80) return out.write(escapeHeaderText(text, version), at, 'utf8');
    if (escapes(code, version)) {
      out[to++] = BACKSLASH;
      out[to++] = ESCAPE_LETTER[code]!;
    } else out[to++] = code;
  }
  return to - at;
}
