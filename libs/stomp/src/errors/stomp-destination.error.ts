import { StompError } from './stomp.error.js';

/**
 * A destination that cannot take a message: a server-side send no broker prefix covers, a reply
 * into a private queue, a client's frame to an application destination nothing maps.
 */
export class StompDestinationError extends StompError {
  constructor(
    readonly code: 'STOMP_ERR_NOT_A_BROKER_DESTINATION' | 'STOMP_ERR_PRIVATE_USER_DESTINATION' | 'STOMP_ERR_UNMAPPED_DESTINATION',
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

  /**
   * A client's SEND (or SUBSCRIBE) to an application destination no `@MessageMapping` (or
   * `@SubscribeMapping`) maps; `lookup` is the destination as mappings see it.
   */
  static unmapped(command: 'SEND' | 'SUBSCRIBE', destination: string, lookup: string): StompDestinationError {
    const decorator = command === 'SEND' ? '@MessageMapping' : '@SubscribeMapping';
    return new StompDestinationError('STOMP_ERR_UNMAPPED_DESTINATION', `No ${decorator} handler for '${destination}' (mapped destination '${lookup}')`);
  }
}
