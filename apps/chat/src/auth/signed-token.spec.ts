import { signToken, verifyToken } from './signed-token.js';

describe('signed tokens', () => {
  const secret = 'a-test-secret-of-enough-length-0123456789';
  const expiresAt = Date.UTC(2030, 0, 1);
  const token = signToken({ name: 'bob', expiresAt }, secret);

  it('verify with the claims they were signed with, until they expire', () => {
    expect(verifyToken(token, secret, expiresAt - 1)).toEqual({ ok: true, claims: { name: 'bob', expiresAt } });
    expect(verifyToken(token, secret, expiresAt)).toEqual({ ok: false, reason: 'expired' });
  });

  it('are base64url without padding, payload and signature', () => {
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token.split('.')[0]!, 'base64url').toString()).toBe(`v1\n${expiresAt / 1000}\nbob`);
  });

  it('refuse another secret, and any character added, removed or changed', () => {
    expect(verifyToken(token, 'another secret', 0)).toEqual({ ok: false, reason: 'invalid' });
    const mutations = new Set<string>();
    for (let i = 0; i <= token.length; i++) {
      for (const c of ['A', '=', '.', 'x', '-']) mutations.add(token.slice(0, i) + c + token.slice(i));
      if (i < token.length) {
        mutations.add(token.slice(0, i) + token.slice(i + 1));
        for (const c of ['A', 'B', 'Q', 'g', '_']) mutations.add(token.slice(0, i) + c + token.slice(i + 1));
      }
    }
    mutations.delete(token);
    for (const mutated of mutations) expect([mutated, verifyToken(mutated, secret, 0).ok]).toEqual([mutated, false]);
  });
});
