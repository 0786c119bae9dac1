import { StompError } from './stomp.error.js';

/** Handler mappings that cannot work together; thrown at start-up. */
export class StompMappingError extends StompError {
  constructor(
    readonly code: 'STOMP_ERR_AMBIGUOUS_MAPPING' | 'STOMP_ERR_FOREIGN_DECORATOR',
    message: string,
  ) {
    super(message);
  }

  static ambiguous(destination: string, first: string, second: string): StompMappingError {
    return new StompMappingError('STOMP_ERR_AMBIGUOUS_MAPPING', `Ambiguous @MessageMapping '${destination}': both ${first} and ${second} map it`);
  }

  /** A STOMP handler carries a decorator of HTTP routes or gateways, which STOMP never fills. */
  static foreignDecorator(where: string, decorator: string, use: string, consequence = 'which STOMP handlers do not fill (it would be undefined)'): StompMappingError {
    return new StompMappingError('STOMP_ERR_FOREIGN_DECORATOR', `${where} uses ${decorator}, ${consequence}: use ${use} instead`);
  }
}
