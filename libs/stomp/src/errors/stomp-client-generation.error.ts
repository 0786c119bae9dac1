import { StompError } from './stomp.error.js';

/** Why `nest-stomp client` could not write a client: its arguments, or the document it was given. */
export class StompClientGenerationError extends StompError {
  constructor(
    readonly code: 'STOMP_ERR_CLIENT_USAGE' | 'STOMP_ERR_DOCUMENT_UNREADABLE' | 'STOMP_ERR_INVALID_DOCUMENT',
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }

  static usage(problem: string): StompClientGenerationError {
    return new StompClientGenerationError('STOMP_ERR_CLIENT_USAGE', problem);
  }

  /** The document could not be fetched or read: `from` is the URL or file, `cause` the reason. */
  static unreadable(from: string, problem: string, cause?: unknown): StompClientGenerationError {
    return new StompClientGenerationError('STOMP_ERR_DOCUMENT_UNREADABLE', `Cannot read the AsyncAPI document from ${from}: ${problem}`, cause === undefined ? undefined : { cause });
  }

  /** The document is not an AsyncAPI 3 document a client can be made of; `where` is a JSON path. */
  static invalid(where: string, problem: string): StompClientGenerationError {
    return new StompClientGenerationError('STOMP_ERR_INVALID_DOCUMENT', `Invalid AsyncAPI document at ${where}: ${problem}`);
  }
}
