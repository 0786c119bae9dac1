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
});
