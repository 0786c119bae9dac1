import { isUtf8 } from 'node:buffer';

/** What JSON bodies say they are, to the letter Spring writes (`MimeTypeUtils` + `StandardCharsets.UTF_8`). */
export const JSON_CONTENT_TYPE = 'application/json;charset=UTF-8';
export const TEXT_CONTENT_TYPE = 'text/plain;charset=UTF-8';
export const BINARY_CONTENT_TYPE = 'application/octet-stream';

/** Bodies of these types are text and travel as text WebSocket messages; all others are binary. */
export function isTextContentType(contentType: string | undefined): boolean {
  if (contentType === undefined) return true;
  // A stream of messages mostly repeats one content type: each of these functions remembers its last answer.
  if (contentType === lastContentType) return lastIsText;
  lastIsText = isTextType(contentType);
  lastContentType = contentType;
  return lastIsText;
}

let lastContentType: string | undefined;
let lastIsText = true;

function isTextType(contentType: string): boolean {
  const type = contentType.split(';', 1)[0]!.trim().toLowerCase();
  return (
    type.startsWith('text/') ||
    type === 'application/json' ||
    type.endsWith('+json') ||
    type === 'application/xml' ||
    type.endsWith('+xml') ||
    type === 'application/javascript'
  );
}

export function isJsonContentType(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  if (contentType === lastJsonType) return lastIsJson;
  lastIsJson = isJsonType(contentType);
  lastJsonType = contentType;
  return lastIsJson;
}

let lastJsonType: string | undefined;
let lastIsJson = false;

function isJsonType(contentType: string): boolean {
  const type = contentType.split(';', 1)[0]!.trim().toLowerCase();
  return type === 'application/json' || type.endsWith('+json');
}

/**
 * Whether a body must travel as a binary WebSocket message: its type is not text, or its bytes are
 * not UTF-8 (a text message that is not UTF-8 makes browsers and `ws` drop the connection).
 */
export function isBinaryBody(contentType: string | undefined, body: Buffer): boolean {
  return !isTextContentType(contentType) || !isUtf8(body);
}

/**
 * The `charset` parameter of a content type, lower-cased (`UTF-8` and `utf-8` alike), or `undefined`
 * when it names none. Quoted values (`charset="utf-8"`) are unquoted.
 */
export function charsetOf(contentType: string | undefined): string | undefined {
  if (contentType === undefined) return undefined;
  if (contentType === lastCharsetType) return lastCharset;
  lastCharset = findCharset(contentType);
  lastCharsetType = contentType;
  return lastCharset;
}

let lastCharsetType: string | undefined;
let lastCharset: string | undefined;

function findCharset(contentType: string): string | undefined {
  for (const parameter of contentType.split(';').slice(1)) {
    const equals = parameter.indexOf('=');
    if (equals === -1 || parameter.slice(0, equals).trim().toLowerCase() !== 'charset') continue;
    const value = parameter.slice(equals + 1).trim().replace(/^"(.*)"$/, '$1').toLowerCase();
    return value || undefined;
  }
  return undefined;
}

/**
 * A text body as a string, in the charset its content type names (UTF-8 when it names none, as
 * Spring's converters). Throws a `RangeError` for a charset Node cannot decode.
 */
export function decodeText(body: Buffer, contentType: string | undefined): string {
  const charset = charsetOf(contentType);
  if (charset === undefined || charset === 'utf-8' || charset === 'utf8') return body.toString('utf8');
  return new TextDecoder(charset).decode(body);
}
