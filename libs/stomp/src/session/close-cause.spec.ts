import { StompProtocolError } from '../errors/stomp-protocol.error.js';
import { closeCauseOf, errorCodeOf } from './close-cause.js';

describe('closeCauseOf', () => {
  it.each([
    ['STOMP_ERR_HEART_BEAT_TIMEOUT', 'heart-beat'],
    ['STOMP_ERR_BROKER_LOST', 'broker-lost'],
    ['STOMP_ERR_ADMIN_DISCONNECT', 'admin'],
    ['STOMP_ERR_REBALANCE', 'rebalance'],
    ['STOMP_ERR_LIMIT', 'protocol-error'],
  ] as const)('names an ERROR of code %s %s', (code, cause) => {
    expect(closeCauseOf(new StompProtocolError(code, 'x'), 'error')).toBe(cause);
  });

  it('falls back on the disconnect reason', () => {
    expect(closeCauseOf(undefined, 'client')).toBe('client');
    expect(closeCauseOf(undefined, 'transport')).toBe('transport');
    expect(closeCauseOf(undefined, 'slow-consumer')).toBe('slow-consumer');
    expect(closeCauseOf(new Error('Server is shutting down'), 'shutdown')).toBe('shutdown');
    expect(closeCauseOf(new Error('unexpected'), 'error')).toBe('protocol-error');
  });
});

describe('errorCodeOf', () => {
  it("takes a StompError's code, and names the shutdown's goodbye and unexpected failures apart", () => {
    expect(errorCodeOf(new StompProtocolError('STOMP_ERR_LIMIT', 'x'), 'error')).toBe('STOMP_ERR_LIMIT');
    expect(errorCodeOf(new Error('Server is shutting down'), 'shutdown')).toBe('STOMP_ERR_SHUTDOWN');
    expect(errorCodeOf(new Error('Failed to process SEND: boom'), 'error')).toBe('STOMP_ERR_INTERNAL');
  });
});
