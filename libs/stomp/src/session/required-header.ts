import { StompProtocolError } from '../errors/stomp-protocol.error.js';
import type { StompHeaders } from '../protocol/stomp-frame.js';

/** The header's value; a frame without it (or with it empty) is refused with a MISSING_HEADER error. */
export function requireHeader(headers: StompHeaders, name: string, command: string): string {
  const value = headers[name];
  if (value === undefined || value === '') {
    throw new StompProtocolError('STOMP_ERR_MISSING_HEADER', `${command} frame must have a '${name}' header`);
  }
  return value;
}
