import { StompError } from './stomp.error.js';

/** A message body that cannot become the handler's payload (e.g. invalid JSON). */
export class StompMessageConversionError extends StompError {
  readonly code = 'STOMP_ERR_MESSAGE_CONVERSION';

  static invalidJson(destination: string, cause: Error): StompMessageConversionError {
    return new StompMessageConversionError(
      `Body of the SEND to '${destination}' is not valid JSON (${cause.message}); send JSON or set a 'content-type' header`,
      { cause },
    );
  }

  static unknownCharset(destination: string, contentType: string, cause: Error): StompMessageConversionError {
    return new StompMessageConversionError(
      `Body of the SEND to '${destination}' cannot be read: its content-type '${contentType}' names a charset this server cannot decode; send UTF-8`,
      { cause },
    );
  }
}
