import { StompError } from './stomp.error.js';

/** `StompModule.forRoot` options that cannot work; thrown at start-up. */
export class StompConfigurationError extends StompError {
  readonly code = 'STOMP_ERR_CONFIGURATION';

  static invalid(option: string, problem: string): StompConfigurationError {
    return new StompConfigurationError(`Invalid StompModule option '${option}': ${problem}`);
  }
}
