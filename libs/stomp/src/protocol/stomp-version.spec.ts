import { negotiateVersion, STOMP_SUBPROTOCOLS, SUPPORTED_VERSIONS } from './stomp-version.js';

describe('protocol negotiation', () => {
  describe('negotiateVersion', () => {
    it('treats a CONNECT without accept-version as STOMP 1.0', () => {
      expect(negotiateVersion(undefined)).toBe('1.0');
    });

    it.each([
      ['1.0,1.1,1.2', '1.2'],
      ['1.2,1.1,1.0', '1.2'],
      ['1.2,1.0', '1.2'],
      ['1.1,1.0', '1.1'],
      ['1.0,1.1', '1.1'],
      ['1.1', '1.1'],
      ['1.0', '1.0'],
      ['1.2', '1.2'],
      [' 1.0 , 1.1 ', '1.1'],
      ['1.1,2.0', '1.1'],
      ['1.3,1.2', '1.2'],
    ])('answers accept-version %j with %s, the highest version both speak', (accept, expected) => {
      expect(negotiateVersion(accept)).toBe(expected);
    });

    it.each(['', '2.0', '1.3,2.0', '1', '1.2.0', 'v12.stomp', '1.1;1.2'])('finds nothing in common with accept-version %j', (accept) => {
      expect(negotiateVersion(accept)).toBeUndefined();
    });
  });

  it('prefers the highest version first', () => {
    expect(SUPPORTED_VERSIONS).toEqual(['1.2', '1.1', '1.0']);
  });

  it('maps the registered WebSocket sub-protocols to versions', () => {
    expect(STOMP_SUBPROTOCOLS).toEqual({ 'v12.stomp': '1.2', 'v11.stomp': '1.1', 'v10.stomp': '1.0' });
  });
});
