import { Injectable } from '@nestjs/common';
import { StompMessageConversionError } from '../errors/stomp-message-conversion.error.js';
import { BINARY_CONTENT_TYPE, decodeText, isJsonContentType, JSON_CONTENT_TYPE, TEXT_CONTENT_TYPE } from '../protocol/content-types.js';

export interface SerializedPayload {
  readonly body: Buffer;
  readonly contentType: string;
}

/**
 * Turns payloads into bodies and back, by content type (Spring's message converters): JSON by
 * default, `text/*` as strings, anything else (`application/octet-stream`) as a Buffer. Outgoing
 * types are Spring's to the letter (`application/json;charset=UTF-8`, `text/plain;charset=UTF-8`);
 * incoming ones are read with or without a charset, in any case, decoded in the charset named.
 */
@Injectable()
export class MessageConverter {
  /** Body → handler payload. A SEND without `content-type` is taken as JSON, as Spring does. */
  fromMessage(contentType: string | undefined, body: Buffer, destination: string): unknown {
    if (contentType === undefined || isJsonContentType(contentType)) {
      if (body.length === 0) return undefined;
      const text = this.decode(contentType, body, destination);
      try {
        return JSON.parse(text);
      } catch (error) {
        throw StompMessageConversionError.invalidJson(destination, error as Error);
      }
    }
    if (contentType.trim().toLowerCase().startsWith('text/')) return this.decode(contentType, body, destination);
    return body;
  }

  /** Payload → body: Buffer as octet-stream, string as UTF-8 text, anything else as JSON. */
  toMessage(payload: unknown): SerializedPayload {
    if (Buffer.isBuffer(payload)) return { body: payload, contentType: BINARY_CONTENT_TYPE };
    if (payload instanceof Uint8Array) return { body: Buffer.from(payload), contentType: BINARY_CONTENT_TYPE };
    if (typeof payload === 'string') return { body: Buffer.from(payload, 'utf8'), contentType: TEXT_CONTENT_TYPE };
    return { body: Buffer.from(JSON.stringify(payload) ?? 'null', 'utf8'), contentType: JSON_CONTENT_TYPE };
  }

  private decode(contentType: string | undefined, body: Buffer, destination: string): string {
    try {
      return decodeText(body, contentType);
    } catch (error) {
      throw StompMessageConversionError.unknownCharset(destination, contentType!, error as Error);
    }
  }
}
