import { StompError } from '../../errors/stomp.error.js';

/**
 * The test client's connection could not be opened, or closed without an ERROR frame while a wait
 * was pending (or before an operation): `closeCode` and `closeReason` are the transport's.
 */
export class StompConnectionClosedError extends StompError {
  readonly code = 'STOMP_ERR_CONNECTION_CLOSED';

  constructor(
    message: string,
    readonly closeCode?: number,
    readonly closeReason?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }

  static closed(url: string, code: number, reason: string): StompConnectionClosedError {
    return new StompConnectionClosedError(`The connection to ${url} closed (code ${code}${reason ? `, reason '${reason}'` : ''})`, code, reason);
  }

  static notOpened(url: string, cause: unknown): StompConnectionClosedError {
    const why = cause instanceof Error ? cause.message : String(cause);
    return new StompConnectionClosedError(`Could not connect to ${url}: ${why}`, undefined, undefined, { cause });
  }
}
