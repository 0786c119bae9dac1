/**
 * Base class of every error nest-stomp raises. `code` is stable and machine-readable
 * (`STOMP_ERR_...`), so callers can branch on it without parsing messages.
 */
export abstract class StompError extends Error {
  abstract readonly code: string;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}
