import { StompError } from './stomp.error.js';

/** A server-side send to a destination no broker prefix covers. */
export class StompDestinationError extends StompError {
  constructor(
    readonly code: 'STOMP_ERR_NOT_A_BROKER_DESTINATION' | 'STOMP_ERR_PRIVATE_USER_DESTINATION',
    message: string,
  ) {
    super(message);
  }

  static notBrokerDestination(destination: string, brokerPrefixes: readonly string[]): StompDestinationError {
    return new StompDestinationError(
      'STOMP_ERR_NOT_A_BROKER_DESTINATION',
      `Cannot send to '${destination}': it matches no broker prefix (${brokerPrefixes.join(', ')}). ` +
        `Add its prefix to the 'brokerPrefixes' option or send to a broker destination.`,
    );
  }

  /** A reply destination, filled from client-supplied `{var}`s, that names a session's private queue. */
  static privateUserDestination(destination: string): StompDestinationError {
    return new StompDestinationError(
      'STOMP_ERR_PRIVATE_USER_DESTINATION',
      `Cannot send to '${destination}': it is a session's private user queue; send to its user instead`,
    );
  }
}
