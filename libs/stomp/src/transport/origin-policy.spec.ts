import type { IncomingHttpHeaders } from 'node:http';
import { OriginPolicy } from './origin-policy.js';

const request = (origin: string | undefined, host = 'chat.example.com'): IncomingHttpHeaders =>
  origin === undefined ? { host } : { host, origin };

describe('OriginPolicy', () => {
  describe('by default (no allowed origins)', () => {
    const policy = new OriginPolicy([]);

    it('allows a request without Origin (not a browser)', () => {
      expect(policy.allows(request(undefined))).toBe(true);
      expect(policy.allows({})).toBe(true);
    });

    it('allows a same-origin request', () => {
      expect(policy.allows(request('https://chat.example.com'))).toBe(true);
      expect(policy.allows(request('http://localhost:3000', 'localhost:3000'))).toBe(true);
    });

    it('refuses a foreign origin', () => {
      expect(policy.allows(request('https://evil.example.org'))).toBe(false);
      expect(policy.allows(request('https://example.com'))).toBe(false);
    });

    it('compares the port as part of the host', () => {
      expect(policy.allows(request('http://localhost:4000', 'localhost:3000'))).toBe(false);
      expect(policy.allows(request('http://localhost', 'localhost:3000'))).toBe(false);
      expect(policy.allows(request('http://localhost:3000', 'localhost'))).toBe(false);
    });

    it("treats the scheme's default port as no port", () => {
      expect(policy.allows(request('https://chat.example.com', 'chat.example.com:443'))).toBe(true);
      expect(policy.allows(request('http://chat.example.com', 'chat.example.com:80'))).toBe(true);
      expect(policy.allows(request('https://chat.example.com', 'chat.example.com:80'))).toBe(false);
    });

    it('is case-insensitive for same-origin checks', () => {
      expect(policy.allows(request('https://Chat.Example.COM', 'chat.example.com'))).toBe(true);
      expect(policy.allows(request('https://chat.example.com', 'CHAT.Example.com'))).toBe(true);
    });

    it('refuses when it cannot tell: no Host header, or an opaque "null" origin', () => {
      expect(policy.allows({ origin: 'https://chat.example.com' })).toBe(false);
      expect(policy.allows(request('null'))).toBe(false);
      expect(policy.allows(request('not a url'))).toBe(false);
    });
  });

  describe('with exact allowed origins', () => {
    const policy = new OriginPolicy(['https://app.example.com', 'http://localhost:8080/']);

    it('allows the listed origins', () => {
      expect(policy.allows(request('https://app.example.com'))).toBe(true);
      // A trailing slash in the configuration does not matter.
      expect(policy.allows(request('http://localhost:8080'))).toBe(true);
    });

    it('refuses origins that differ in scheme, host or port', () => {
      expect(policy.allows(request('http://app.example.com'))).toBe(false);
      expect(policy.allows(request('https://app.example.com.evil.org'))).toBe(false);
      expect(policy.allows(request('https://x.app.example.com'))).toBe(false);
      expect(policy.allows(request('http://localhost:8081'))).toBe(false);
    });

    it('still allows same-origin requests and requests without Origin', () => {
      expect(policy.allows(request('https://chat.example.com'))).toBe(true);
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
    });

    it('refuses origins the wildcard does not match', () => {
      expect(policy.allows(request('https://example.com', 'api.internal'))).toBe(false);
      expect(policy.allows(request('http://app.example.com', 'api.internal'))).toBe(false);
      expect(policy.allows(request('https://app.example.com.evil.org', 'api.internal'))).toBe(false);
      expect(policy.allows(request('https://evilexample.com', 'api.internal'))).toBe(false);
      expect(policy.allows(request('https://evil.org/.example.com', 'api.internal'))).toBe(false);
      expect(policy.allows(request('https://app.example.com:8443', 'api.internal'))).toBe(false);
    });

    it("treats the pattern's dots literally", () => {
      expect(policy.allows(request('https://app.exampleXcom', 'api.internal'))).toBe(false);
    });

    it('can put the wildcard in the port', () => {
      const ports = new OriginPolicy(['http://localhost:*']);
      expect(ports.allows(request('http://localhost:5173', 'api.internal'))).toBe(true);
      expect(ports.allows(request('http://localhost.evil.org', 'api.internal'))).toBe(false);
      expect(ports.allows(request('http://localhost:1/x', 'api.internal'))).toBe(false);
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
