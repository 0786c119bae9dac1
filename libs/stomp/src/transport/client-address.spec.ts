import { clientAddress, compileTrustProxy } from './client-address.js';

describe('clientAddress', () => {
  const loopback = compileTrustProxy('loopback');

  it('is the peer when no proxy is trusted, whatever X-Forwarded-For says', () => {
    expect(clientAddress('127.0.0.1', { 'x-forwarded-for': '203.0.113.7' }, compileTrustProxy(false))).toBe('127.0.0.1');
  });

  it('is the forwarded address when the peer is a trusted proxy', () => {
    expect(clientAddress('::ffff:127.0.0.1', { 'x-forwarded-for': '203.0.113.7' }, loopback)).toBe('203.0.113.7');
  });

  it('is the peer when the peer is not trusted', () => {
    expect(clientAddress('198.51.100.1', { 'x-forwarded-for': '203.0.113.7' }, loopback)).toBe('198.51.100.1');
  });

  it('walks from the right and stops at the first untrusted hop: what the client wrote itself is not believed', () => {
    // The client sent "X-Forwarded-For: 10.9.9.9"; nginx appended the client's real address.
    expect(clientAddress('127.0.0.1', { 'x-forwarded-for': '10.9.9.9, 203.0.113.7' }, loopback)).toBe('203.0.113.7');
    expect(clientAddress('127.0.0.1', { 'x-forwarded-for': '203.0.113.7, 127.0.0.2' }, loopback)).toBe('203.0.113.7');
  });

  it('counts hops with a number', () => {
    const headers = { 'x-forwarded-for': '203.0.113.1, 203.0.113.2, 203.0.113.3' };
    expect(clientAddress('10.0.0.1', headers, compileTrustProxy(1))).toBe('203.0.113.3');
    expect(clientAddress('10.0.0.1', headers, compileTrustProxy(3))).toBe('203.0.113.1');
    expect(clientAddress('10.0.0.1', headers, compileTrustProxy(true))).toBe('203.0.113.1');
  });

  it('is the peer when a trusted proxy sent no X-Forwarded-For', () => {
    expect(clientAddress('127.0.0.1', {}, loopback)).toBe('127.0.0.1');
  });

  describe('RFC 7239 Forwarded', () => {
    it("reads a trusted peer's Forwarded when there is no X-Forwarded-For, walking from the right", () => {
      expect(clientAddress('127.0.0.1', { forwarded: 'for=203.0.113.7;proto=https' }, loopback)).toBe('203.0.113.7');
      expect(clientAddress('127.0.0.1', { forwarded: 'for=10.9.9.9, for="[2001:db8::7]:4711"' }, loopback)).toBe('2001:db8::7');
      expect(clientAddress('127.0.0.1', { forwarded: 'for=203.0.113.7, for=127.0.0.2' }, loopback)).toBe('203.0.113.7');
    });

    it("never trusts an obfuscated or unknown node: it is the client's address when met first", () => {
      expect(clientAddress('127.0.0.1', { forwarded: 'for=203.0.113.7, for=_gateway' }, loopback)).toBe('_gateway');
      expect(clientAddress('127.0.0.1', { forwarded: 'for=unknown' }, compileTrustProxy(true))).toBe('unknown');
      expect(clientAddress('127.0.0.1', { forwarded: 'proto=https' }, loopback)).toBe('unknown');
    });

    it('trusts only addresses as proxies, even when every proxy is trusted: an identifier ends the walk', () => {
      const all = compileTrustProxy(true);
      expect(clientAddress('127.0.0.1', { forwarded: 'for=203.0.113.7, for=_hidden, for=10.0.0.2' }, all)).toBe('_hidden');
      expect(clientAddress('127.0.0.1', { 'x-forwarded-for': '203.0.113.7, not-an-address' }, compileTrustProxy(5))).toBe('not-an-address');
      // A quoted Forwarded value holding a comma cannot add hops of the client's choosing.
      expect(clientAddress('127.0.0.1', { forwarded: 'for="203.0.113.7, 10.0.0.9"' }, loopback)).toBe('unknown');
    });

    it('is ignored when the peer is not trusted, or no proxy is', () => {
      expect(clientAddress('198.51.100.1', { forwarded: 'for=203.0.113.7' }, loopback)).toBe('198.51.100.1');
      expect(clientAddress('127.0.0.1', { forwarded: 'for=203.0.113.7' }, compileTrustProxy(false))).toBe('127.0.0.1');
    });

    it('gives way to X-Forwarded-For when both came: the header a proxy does not set may be a forgery', () => {
      expect(clientAddress('127.0.0.1', { forwarded: 'for=10.1.1.1', 'x-forwarded-for': '203.0.113.7' }, loopback)).toBe('203.0.113.7');
    });
  });
});
