import { StompError } from './stomp.error.js';

/** `StompModule.forRoot` options that cannot work; thrown at start-up. */
export class StompConfigurationError extends StompError {
  readonly code = 'STOMP_ERR_CONFIGURATION';

  static invalid(option: string, problem: string): StompConfigurationError {
    return new StompConfigurationError(`Invalid StompModule option '${option}': ${problem}`);
  }

  /** A key no option has (a typo, most often): `suggestion` is the known key it most resembles. */
  static unknown(option: string, suggestion: string | undefined, known: readonly string[]): StompConfigurationError {
    const hint = suggestion !== undefined ? `did you mean '${suggestion}'?` : `the known ones are ${known.map((key) => `'${key}'`).join(', ')}`;
    return new StompConfigurationError(`Unknown StompModule option '${option}': ${hint}`);
  }
}
