import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Tokens the chat hands out: `<payload>.<signature>`, both base64url without padding. The payload
 * is the canonical text `v1\n<expiry, seconds since the epoch>\n<name>`; the signature is
 * HMAC-SHA256 over the payload *as written in the token*, so a token verifies only byte for byte as
 * issued: an appended or changed character anywhere (`.extra`, `A`, `==`, another spelling of the
 * same bytes in base64) is refused.
 */
export interface TokenClaims {
  readonly name: string;
  /** Milliseconds since the epoch; kept to whole seconds. */
  readonly expiresAt: number;
}

export type TokenCheck = { readonly ok: true; readonly claims: TokenClaims } | { readonly ok: false; readonly reason: 'invalid' | 'expired' };

/** Sets the MAC apart from any other use of the same secret. */
const CONTEXT = 'nest-stomp-chat-token.v1.';
/** base64url of a 32-byte HMAC-SHA256, without padding. */
const SIGNATURE_LENGTH = 43;
const TOKEN = /^([A-Za-z0-9_-]{1,256})\.([A-Za-z0-9_-]{43})$/;
const PAYLOAD = /^v1\n(\d{1,12})\n([^\n]+)$/;

export function signToken(claims: TokenClaims, secret: string): string {
  const payload = Buffer.from(`v1\n${Math.floor(claims.expiresAt / 1000)}\n${claims.name}`, 'utf8').toString('base64url');
  return `${payload}.${mac(payload, secret)}`;
}

/** `ok` with the claims when `token` is exactly one this secret signed and it has not expired at `now`. */
export function verifyToken(token: string, secret: string, now: number): TokenCheck {
  const parts = typeof token === 'string' ? TOKEN.exec(token) : null;
  if (!parts) return { ok: false, reason: 'invalid' };
  const [, payload, signature] = parts as unknown as [string, string, string];
  const expected = Buffer.from(mac(payload, secret), 'ascii');
  if (expected.length !== SIGNATURE_LENGTH || !timingSafeEqual(Buffer.from(signature, 'ascii'), expected)) return { ok: false, reason: 'invalid' };
  // Signed by us, so well formed; checked all the same, as a parser of signed data should.
  const claims = PAYLOAD.exec(Buffer.from(payload, 'base64url').toString('utf8'));
  if (!claims) return { ok: false, reason: 'invalid' };
  const expiresAt = Number(claims[1]) * 1000;
  if (now >= expiresAt) return { ok: false, reason: 'expired' };
  return { ok: true, claims: { name: claims[2]!, expiresAt } };
}

function mac(payload: string, secret: string): string {
  return createHmac('sha256', secret).update(CONTEXT + payload, 'utf8').digest('base64url');
}
