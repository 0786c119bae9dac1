import { StompError } from './stomp.error.js';

/** Handler mappings that cannot work together; thrown at start-up. */
export class StompMappingError extends StompError {
  readonly code = 'STOMP_ERR_AMBIGUOUS_MAPPING';

  static ambiguous(destination: string, first: string, second: string): StompMappingError {
    return new StompMappingError(`Ambiguous @MessageMapping '${destination}': both ${first} and ${second} map it`);
  }
}
