/**
 * The SockJS protocol's frames (0.3.3) as the `sockjs` package writes them, for the WebSocket
 * transport the library serves itself: `o` opens, `h` is a heart-beat, `a[...]` carries messages,
 * `c[code,"reason"]` closes. Clients decode what sockjs sends, so the escaping is sockjs's own.
 */

export const OPEN_FRAME = Buffer.from('o');
export const HEARTBEAT_FRAME = Buffer.from('h');

/**
 * The characters sockjs's `utils.quote` writes as `\uXXXX` on top of JSON's escaping: those some
 * browsers or proxies mangle (surrogate halves, so a character beyond the BMP travels as two
 * escapes; zero-width and direction marks; U+2028/U+2029, which broke old JavaScript parsers;
 * specials). Matched per UTF-16 code unit, as sockjs does (no `u` flag).
 */
const ESCAPABLE = /[\x00-\x1f\ud800-\udfff\u200c-\u200f\u2028-\u202f\u2060-\u206f\ufff0-\uffff]/g;

function escapeCodeUnit(unit: string): string {
  return `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** A string as a JSON string literal, escaped exactly as sockjs's `utils.quote`. */
export function quoteSockJs(text: string): string {
  const quoted = JSON.stringify(text);
  ESCAPABLE.lastIndex = 0;
  if (!ESCAPABLE.test(quoted)) return quoted;
  ESCAPABLE.lastIndex = 0;
  return quoted.replace(ESCAPABLE, escapeCodeUnit);
}

/** One message in an `a[...]` frame, as sockjs frames each message it flushes to a WebSocket. */
export function messageFrame(text: string): Buffer {
  return Buffer.from(`a[${quoteSockJs(text)}]`, 'utf8');
}

/** sockjs writes the code as given (a number here) and the reason with plain JSON escaping. */
export function closeFrame(code: number, reason: string): Buffer {
  return Buffer.from(`c${JSON.stringify([code, reason])}`, 'utf8');
}

/**
 * The messages of one WebSocket message from a SockJS client: a JSON array of strings, or a single
 * JSON string. `undefined` when it is neither (sockjs closes the session on JSON it cannot parse;
 * JSON that is not strings has no meaning in the protocol and is refused the same way).
 */
export function parseClientMessages(payload: string): readonly string[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    return undefined;
  }
  if (typeof parsed === 'string') return [parsed];
  if (!Array.isArray(parsed)) return undefined;
  for (const message of parsed) if (typeof message !== 'string') return undefined;
  return parsed as string[];
}
