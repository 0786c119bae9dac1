import { StompProtocolError } from './stomp-protocol.error.js';

/** For specs: the StompProtocolError `act` throws; fails the test when it throws nothing, or something else. */
export function protocolErrorOf(act: () => unknown): StompProtocolError {
  try {
    act();
  } catch (error) {
    expect(error).toBeInstanceOf(StompProtocolError);
    return error as StompProtocolError;
  }
  throw new Error('expected a StompProtocolError, and nothing was thrown');
}

/** For specs: `[code, message]` of the StompProtocolError `act` throws. */
export function refusalOf(act: () => unknown): [string, string] {
  const error = protocolErrorOf(act);
  return [error.code, error.message];
}
