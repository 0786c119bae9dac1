import { isUtf8 } from 'node:buffer';

export const JSON_CONTENT_TYPE = 'application/json';
export const TEXT_CONTENT_TYPE = 'text/plain;charset=UTF-8';
export const BINARY_CONTENT_TYPE = 'application/octet-stream';

/** Bodies of these types are text and travel as text WebSocket messages; all others are binary. */
export function isTextContentType(contentType: string | undefined): boolean {
  if (contentType === undefined) return true;
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
