import { canonicalOrigin, OriginPolicy, type OriginRequest } from './origin-policy.js';

interface Arrival {
  /** The address and port the connection arrived on. Default 127.0.0.1:3000. */
  localAddress?: string;
  localPort?: number;
  /** A TLS socket. */
  encrypted?: boolean;
}

/** A request with `Origin` (unless undefined) and `Host` (unless null), arriving as `arrival` says. */
const request = (origin: string | undefined, host: string | null = '127.0.0.1:3000', arrival: Arrival = {}): OriginRequest => ({
  headers: { ...(host === null ? {} : { host }), ...(origin === undefined ? {} : { origin }) },
  socket: { localAddress: '127.0.0.1', localPort: 3000, ...arrival },
});

describe('canonicalOrigin', () => {
  it('lower-cases and drops the default port', () => {
    expect(canonicalOrigin('HTTPS://Chat.Example.COM:443')).toBe('https://chat.example.com');
    expect(canonicalOrigin('http://localhost:80')).toBe('http://localhost');
    expect(canonicalOrigin('http://localhost:443')).toBe('http://localhost:443');
    expect(canonicalOrigin('http://[::1]:3000')).toBe('http://[::1]:3000');
  });

  it('is undefined for what is not a serialized origin', () => {
    for (const text of ['null', '', 'chat.example.com', 'https://a.example/', 'https://a.example/x', 'https://a.example?x', 'https://u@a.example', 'https://', 'https://a.example:99999']) {
      expect([text, canonicalOrigin(text)]).toEqual([text, undefined]);
    }
  });
});

describe('OriginPolicy', () => {
  describe('by default (no allowed origins, no publicOrigin)', () => {
    const policy = new OriginPolicy([]);

    it('allows a request without Origin (not a browser)', () => {
      expect(policy.allows(request(undefined))).toBe(true);
      expect(policy.allows({ headers: {}, socket: {} })).toBe(true);
    });

    it('allows the origin the server really serves: its scheme, the IP it was reached at, its port', () => {
      expect(policy.allows(request('http://127.0.0.1:3000'))).toBe(true);
      expect(policy.allows(request('http://192.0.2.7:3000', '192.0.2.7:3000', { localAddress: '192.0.2.7' }))).toBe(true);
      expect(policy.allows(request('http://[::1]:3000', '[::1]:3000', { localAddress: '::1' }))).toBe(true);
      expect(policy.allows(request('http://[2001:db8::1]:3000', '[2001:db8::1]:3000', { localAddress: '2001:db8::1' }))).toBe(true);
      // An IPv4 client on a dual-stack socket.
      expect(policy.allows(request('http://127.0.0.1:3000', '127.0.0.1:3000', { localAddress: '::ffff:127.0.0.1' }))).toBe(true);
      expect(policy.allows(request('https://192.0.2.7', '192.0.2.7', { localAddress: '192.0.2.7', localPort: 443, encrypted: true }))).toBe(true);
      expect(policy.allows(request('http://192.0.2.7', '192.0.2.7:80', { localAddress: '192.0.2.7', localPort: 80 }))).toBe(true);
    });

    it('allows localhost only when the connection arrived on a loopback address', () => {
      expect(policy.allows(request('http://localhost:3000', 'localhost:3000'))).toBe(true);
      expect(policy.allows(request('http://localhost:3000', 'localhost:3000', { localAddress: '::1' }))).toBe(true);
      expect(policy.allows(request('http://localhost:3000', 'localhost:3000', { localAddress: '192.0.2.7' }))).toBe(false);
    });

    it('refuses the https scheme on a plain-http socket, and http on a TLS one', () => {
      const https = policy.check(request('https://127.0.0.1:3000'));
      expect(https).toMatchObject({ allowed: false, origin: 'https://127.0.0.1:3000' });
      expect(!https.allowed && https.detail).toContain('this server serves http: itself');
      expect(policy.allows(request('http://127.0.0.1:3000', '127.0.0.1:3000', { encrypted: true }))).toBe(false);
    });

    it('refuses a host name, even one that agrees with Origin: DNS rebinding', () => {
      const rebound = policy.check(request('http://evil.example:3000', 'evil.example:3000'));
      expect(rebound).toMatchObject({ allowed: false, origin: 'http://evil.example:3000' });
      expect(!rebound.allowed && rebound.detail).toContain("the Host 'evil.example' is a name, not this server's address 127.0.0.1");
      expect(!rebound.allowed && rebound.detail).toContain("set the endpoint option publicOrigin: 'http://evil.example:3000'");
      expect(!rebound.allowed && rebound.message).toMatch(/^Origin not allowed: .*publicOrigin.*allowedOrigins/);
      // The 403 body names what to configure, not the server's own addresses.
      expect(!rebound.allowed && rebound.message).not.toContain('127.0.0.1');
      expect(policy.allows(request('https://chat.example.com', 'chat.example.com', { localPort: 443, encrypted: true }))).toBe(false);
    });

    it('refuses an IP literal that is not the address the connection arrived on', () => {
      expect(policy.allows(request('http://192.0.2.8:3000', '192.0.2.8:3000', { localAddress: '192.0.2.7' }))).toBe(false);
      expect(policy.allows(request('http://10.0.0.1:3000', '10.0.0.1:3000'))).toBe(false);
    });

    it('compares the port: with Host, and with the port the connection arrived on', () => {
      expect(policy.allows(request('http://127.0.0.1:4000', '127.0.0.1:3000'))).toBe(false);
      expect(policy.allows(request('http://127.0.0.1', '127.0.0.1:3000'))).toBe(false);
      expect(policy.allows(request('http://127.0.0.1:3000', '127.0.0.1'))).toBe(false);
      expect(policy.allows(request('http://127.0.0.1:4000', '127.0.0.1:4000'))).toBe(false);
      expect(policy.allows(request('http://localhost', 'localhost'))).toBe(false);
    });

    it('is case-insensitive', () => {
      expect(policy.allows(request('HTTP://LOCALHOST:3000', 'localhost:3000'))).toBe(true);
      expect(policy.allows(request('http://localhost:3000', 'LocalHost:3000'))).toBe(true);
    });

    it('refuses when it cannot tell: no Host header, an opaque "null" origin, a malformed one', () => {
      expect(policy.allows(request('http://127.0.0.1:3000', null))).toBe(false);
      expect(policy.allows(request('null'))).toBe(false);
      expect(policy.allows(request('not a url'))).toBe(false);
      expect(policy.allows(request('http://127.0.0.1:3000/'))).toBe(false);
      expect(policy.allows(request('http://127.0.0.1:3000', '127.0.0.1:3000/x'))).toBe(false);
      expect(policy.allows({ headers: { origin: 'http://127.0.0.1:3000', host: '127.0.0.1:3000' }, socket: {} })).toBe(false);
    });
  });

  describe('with publicOrigin', () => {
    const policy = new OriginPolicy([], ['https://chat.example.com', 'http://10.1.2.3:8080']);

    it('allows exactly the public origins, whatever the Host and socket say', () => {
      expect(policy.allows(request('https://chat.example.com', 'backend:3000'))).toBe(true);
      expect(policy.allows(request('https://CHAT.example.com:443', 'backend:3000'))).toBe(true);
      expect(policy.allows(request('http://10.1.2.3:8080', 'backend:3000'))).toBe(true);
    });

    it('refuses anything else: another scheme, port or host, and the server’s own address too', () => {
      for (const origin of ['http://chat.example.com', 'https://chat.example.com:8443', 'https://evil.example', 'https://x.chat.example.com', 'http://10.1.2.3:8081']) {
        expect([origin, policy.allows(request(origin, new URL(origin).host))]).toEqual([origin, false]);
      }
      expect(policy.allows(request('http://127.0.0.1:3000'))).toBe(false);
      const refused = policy.check(request('https://evil.example', 'evil.example'));
      expect(!refused.allowed && refused.detail).toContain('neither the publicOrigin (https://chat.example.com, http://10.1.2.3:8080) nor in allowedOrigins');
    });

    it('still allows requests without Origin and the allowed origins', () => {
      expect(policy.allows(request(undefined))).toBe(true);
      expect(new OriginPolicy(['https://partner.example'], ['https://chat.example.com']).allows(request('https://partner.example', 'x'))).toBe(true);
    });
  });

  describe('with exact allowed origins', () => {
    const policy = new OriginPolicy(['https://app.example.com', 'http://localhost:8080/', 'https://secure.example.com:443']);

    it('allows the listed origins', () => {
      expect(policy.allows(request('https://app.example.com'))).toBe(true);
      // A trailing slash or the scheme's default port in the configuration does not matter.
      expect(policy.allows(request('http://localhost:8080'))).toBe(true);
      expect(policy.allows(request('https://secure.example.com'))).toBe(true);
    });

    it('refuses origins that differ in scheme, host or port', () => {
      expect(policy.allows(request('http://app.example.com'))).toBe(false);
      expect(policy.allows(request('https://app.example.com:8443'))).toBe(false);
      expect(policy.allows(request('https://app.example.com.evil.org'))).toBe(false);
      expect(policy.allows(request('https://x.app.example.com'))).toBe(false);
      expect(policy.allows(request('http://localhost:8081'))).toBe(false);
      expect(policy.allows(request('https://localhost:8080'))).toBe(false);
    });

    it('still allows same-origin requests and requests without Origin', () => {
      expect(policy.allows(request('http://127.0.0.1:3000'))).toBe(true);
      expect(policy.allows(request(undefined))).toBe(true);
    });

    it('is case-insensitive', () => {
      expect(new OriginPolicy(['https://App.Example.com']).allows(request('https://app.EXAMPLE.com'))).toBe(true);
      expect(policy.allows(request('HTTPS://APP.EXAMPLE.COM'))).toBe(true);
    });
  });

  describe('with origin patterns', () => {
    const policy = new OriginPolicy(['https://*.example.com']);

    it('allows origins the wildcard matches', () => {
      expect(policy.allows(request('https://app.example.com', 'api.internal'))).toBe(true);
      expect(policy.allows(request('https://a.b.example.com', 'api.internal'))).toBe(true);
      expect(policy.allows(request('https://APP.Example.com', 'api.internal'))).toBe(true);
      expect(policy.allows(request('https://app.example.com:443', 'api.internal'))).toBe(true);
    });

    it('refuses origins the wildcard does not match: it never spans a ":" or a "/"', () => {
      expect(policy.allows(request('https://example.com', 'api.internal'))).toBe(false);
      expect(policy.allows(request('http://app.example.com', 'api.internal'))).toBe(false);
      expect(policy.allows(request('https://app.example.com.evil.org', 'api.internal'))).toBe(false);
      expect(policy.allows(request('https://evilexample.com', 'api.internal'))).toBe(false);
      expect(policy.allows(request('https://evil.org/.example.com', 'api.internal'))).toBe(false);
      expect(policy.allows(request('https://app.example.com:8443', 'api.internal'))).toBe(false);
      expect(new OriginPolicy(['https://*example.com']).allows(request('https://evil.org:1.example.com', 'api.internal'))).toBe(false);
    });

    it("treats the pattern's dots literally", () => {
      expect(policy.allows(request('https://app.exampleXcom', 'api.internal'))).toBe(false);
    });

    it('can put the wildcard in the port, and only there', () => {
      const ports = new OriginPolicy(['http://localhost:*']);
      expect(ports.allows(request('http://localhost:5173', 'api.internal'))).toBe(true);
      expect(ports.allows(request('http://localhost', 'api.internal'))).toBe(false);
      expect(ports.allows(request('https://localhost:5173', 'api.internal'))).toBe(false);
      expect(ports.allows(request('http://localhost.evil.org', 'api.internal'))).toBe(false);
      expect(ports.allows(request('http://localhost:1/x', 'api.internal'))).toBe(false);
    });

    it('matches the scheme as written', () => {
      const hosts = new OriginPolicy(['http://*:8080']);
      expect(hosts.allows(request('http://10.0.0.9:8080', 'api.internal'))).toBe(true);
      expect(hosts.allows(request('https://10.0.0.9:8080', 'api.internal'))).toBe(false);
      expect(hosts.allows(request('http://10.0.0.9:80800', 'api.internal'))).toBe(false);
    });
  });

  describe("with '*'", () => {
    it('allows every origin', () => {
      const policy = new OriginPolicy(['*']);
      expect(policy.allows(request('https://anything.example.org', 'api.internal'))).toBe(true);
      expect(policy.allows(request('null', 'api.internal'))).toBe(true);
      expect(policy.allows(request(undefined))).toBe(true);
    });

    it('allows every origin also next to other entries', () => {
      const policy = new OriginPolicy(['https://app.example.com', '*']);
      expect(policy.allows(request('http://elsewhere:9', 'api.internal'))).toBe(true);
    });
  });
});
