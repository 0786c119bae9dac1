import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { StompConnectRequest, StompPrincipal } from 'nest-stomp';

/** Names people chat under: letters, digits, `_ . -`, at most 32. */
const NAME = /^[\p{L}\p{N}_.-]{1,32}$/u;

/**
 * Who is who in the chat. A CONNECT carries either a `login` header (any free-form name: the
 * demo's sign-in) or a `token` header issued by `POST /api/token` (what a real app would hand out
 * after its own sign-in). Neither: an anonymous reader.
 */
@Injectable()
export class ChatAuthService {
  // A fixed secret keeps tokens valid across restarts; without one, tokens last one process.
  private readonly secret = process.env.CHAT_TOKEN_SECRET ?? randomBytes(32).toString('hex');

  isValidName(name: string): boolean {
    return NAME.test(name);
  }

  issueToken(name: string): string {
    return `${Buffer.from(name).toString('base64url')}.${this.sign(name)}`;
  }

  /** The `authenticate` hook of the STOMP module. Throwing refuses the CONNECT with that message. */
  authenticate({ login, headers }: StompConnectRequest): StompPrincipal | undefined {
    if (headers.token !== undefined) return { name: this.verify(headers.token) };
    if (login === undefined || login === '') return undefined;
    if (!this.isValidName(login)) throw new Error(`'${login}' is not a valid name: use 1 to 32 letters, digits, '_', '.' or '-'`);
    return { name: login };
  }

  private verify(token: string): string {
    const [encodedName = '', signature = ''] = token.split('.');
    const name = Buffer.from(encodedName, 'base64url').toString();
    const expected = Buffer.from(this.sign(name));
    const actual = Buffer.from(signature);
    if (!this.isValidName(name) || actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
      throw new Error('invalid token: ask POST /api/token for a new one');
    }
    return name;
  }

  private sign(name: string): string {
    return createHmac('sha256', this.secret).update(name).digest('base64url');
  }
}
