/** Header names and values as they are on the wire, unescaped. The first of repeated headers wins. */
export type StompHeaders = Record<string, string>;

/** One STOMP frame. `body` is raw bytes: text bodies are UTF-8. */
export interface StompFrame {
  readonly command: string;
  readonly headers: StompHeaders;
  readonly body: Buffer;
}

export const EMPTY_BODY: Buffer = Buffer.alloc(0);

/** Headers object that cannot be polluted through a `__proto__` header name. */
export function createHeaders(): StompHeaders {
  return Object.create(null) as StompHeaders;
}
