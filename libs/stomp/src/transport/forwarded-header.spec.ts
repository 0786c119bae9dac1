import { forwardedFor } from './forwarded-header.js';

describe('forwardedFor (RFC 7239 Forwarded)', () => {
  it.each([
    ['for=192.0.2.60;proto=http;by=203.0.113.43', ['192.0.2.60']],
    ['for=192.0.2.43, for=198.51.100.17', ['192.0.2.43', '198.51.100.17']],
    ['For="[2001:db8:cafe::17]:4711"', ['2001:db8:cafe::17']],
    ['for="[2001:db8:cafe::17]"', ['2001:db8:cafe::17']],
    ['for="192.0.2.60:8080"', ['192.0.2.60']],
    ['for=unknown, for=_hidden;proto=https, for=_SEVKISEK:_port', ['unknown', '_hidden', '_SEVKISEK']],
    ['proto=https;by=203.0.113.43, for=198.51.100.17', ['unknown', '198.51.100.17']],
    ['for="_a,b;c", for=192.0.2.1', ['unknown', '192.0.2.1']],
    ['for="1.2.3.4, 5.6.7.8", for=192.0.2.1', ['unknown', '192.0.2.1']],
    ['for="10.0.0.1 10.0.0.2"', ['unknown']],
    ['for=2001:db8::1', ['2001:db8::1']],
    ['  for = 192.0.2.9 ,, ', ['192.0.2.9']],
  ])('%p → %p', (header, addresses) => {
    expect(forwardedFor(header)).toEqual(addresses);
  });
});
