import { StompError } from './stomp.error.js';

/** A server-side send to a destination no broker prefix covers. */
export class StompDestinationError extends StompError {
  readonly code = 'STOMP_ERR_NOT_A_BROKER_DESTINATION';

  static notBrokerDestination(destination: string, brokerPrefixes: readonly string[]): StompDestinationError {
    return new StompDestinationError(
      `Cannot send to '${destination}': it matches no broker prefix (${brokerPrefixes.join(', ')}). ` +
        `Add its prefix to the 'brokerPrefixes' option or send to a broker destination.`,
    );
  }
}
