import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { StompConnectRequest, StompPrincipal } from 'nest-stomp';
import { checkName } from './chat-name.js';
import { signToken, verifyToken } from './signed-token.js';

/** How long a token from `POST /api/token` signs in, unless `CHAT_TOKEN_TTL_SECONDS` says otherwise: 12 hours. */
export const DEFAULT_TOKEN_TTL_SECONDS = 12 * 60 * 60;

export interface IssuedToken {
  readonly token: string;
  readonly expiresAt: Date;
}

/**
 * Who is who in the chat. A CONNECT carries either a `login` header (any free name: the demo's
 * sign-in) or a `token` header issued by `POST /api/token` (what a real app would hand out after its
 * own sign-in). Neither: an anonymous reader. Names follow the rules of `chat-name.ts`, and the
 * session's user is the normalised name: `ｂｏｂ` and `BOB` sign in as `bob`.
 */
@Injectable()
export class ChatAuthService {
  // A fixed secret keeps tokens valid across restarts; without one (unset or empty), tokens last one process.
  private readonly secret = process.env.CHAT_TOKEN_SECRET || randomBytes(32).toString('hex');
  private readonly ttlMs = tokenTtlSeconds(process.env.CHAT_TOKEN_TTL_SECONDS) * 1000;

  /** A token for `name` (normalised), valid from `issuedAt` for the configured time. Throws on a name the rules refuse. */
  issueToken(name: string, issuedAt = Date.now()): IssuedToken {
    const expiresAt = Math.floor((issuedAt + this.ttlMs) / 1000) * 1000;
    return { token: signToken({ name: validName(name), expiresAt }, this.secret), expiresAt: new Date(expiresAt) };
  }

  /** The `authenticate` hook of the STOMP module. Throwing refuses the CONNECT with that message. */
  authenticate({ login, headers }: StompConnectRequest): StompPrincipal | undefined {
    if (headers.token !== undefined) return { name: this.verify(headers.token) };
    if (login === undefined || login === '') return undefined;
    return { name: validName(login) };
  }

  private verify(token: string): string {
    const check = verifyToken(token, this.secret, Date.now());
    if (!check.ok) throw new Error(`${check.reason} token: ask POST /api/token for a new one`);
    // Issued under the rules in force then: a name they refuse now does not sign in.
    const name = checkName(check.claims.name);
    if (!name.ok || name.name !== check.claims.name) throw new Error('invalid token: ask POST /api/token for a new one');
    return name.name;
  }
}

function validName(raw: string): string {
  const check = checkName(raw);
  if (!check.ok) throw new Error(check.reason);
  return check.name;
}

function tokenTtlSeconds(text: string | undefined): number {
  if (text === undefined || text === '') return DEFAULT_TOKEN_TTL_SECONDS;
  const seconds = Number(text);
  if (!Number.isInteger(seconds) || seconds <= 0) throw new Error(`CHAT_TOKEN_TTL_SECONDS='${text}': expected a whole number of seconds above 0`);
  return seconds;
}
