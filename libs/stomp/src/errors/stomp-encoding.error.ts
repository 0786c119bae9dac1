import { StompError } from './stomp.error.js';

/** A frame cannot be written in the session's STOMP version (e.g. a line break in a 1.0 header). */
export class StompEncodingError extends StompError {
  readonly code = 'STOMP_ERR_UNENCODABLE_HEADER';

  static unencodableHeader(name: string, command: string, version: string): StompEncodingError {
    return new StompEncodingError(
      `Header '${name}' of a ${command} frame cannot be written in STOMP ${version}: ` +
        `line breaks (and a colon in a name) are only allowed where the version escapes headers, and NUL octets nowhere`,
    );
  }

  static bodyNotAllowed(command: string): StompEncodingError {
    return new StompEncodingError(`A ${command} frame cannot carry a body`);
  }
}
