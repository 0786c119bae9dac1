/** What a test client may SEND: JSON for objects, text for strings, bytes for a Buffer. */
export type StompTestPayload = Buffer | Uint8Array | string | number | boolean | null | object | undefined;

/** A payload as a SEND carries it. */
export interface EncodedPayload {
  readonly body: Buffer;
  /** The `content-type` the payload implies; `undefined` for no body. */
  readonly contentType: string | undefined;
  /** Bytes go in a binary WebSocket message, text in a text one. */
  readonly binary: boolean;
}

/**
 * Encodes what the server's message conversion decodes: a Buffer as `application/octet-stream`,
 * a string as `text/plain;charset=UTF-8`, anything else as `application/json`; `undefined` is an
 * empty body without a content type.
 */
export function encodePayload(payload: StompTestPayload): EncodedPayload {
  if (payload === undefined) return { body: Buffer.alloc(0), contentType: undefined, binary: false };
  if (payload instanceof Uint8Array) return { body: Buffer.from(payload), contentType: 'application/octet-stream', binary: true };
  if (typeof payload === 'string') return { body: Buffer.from(payload, 'utf8'), contentType: 'text/plain;charset=UTF-8', binary: false };
  return { body: Buffer.from(JSON.stringify(payload), 'utf8'), contentType: 'application/json', binary: false };
}
