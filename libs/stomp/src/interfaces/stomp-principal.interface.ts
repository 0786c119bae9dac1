import type { IncomingHttpHeaders } from 'node:http';
import type { StompHeaders } from '../protocol/stomp-frame.js';

/** Who a session belongs to. `name` is the user in user destinations (`/user/{name}/queue/x`). */
export interface StompPrincipal {
  readonly name: string;
  readonly [key: string]: unknown;
}

/** The HTTP request that opened the connection (cookies, `Authorization`, query string...). */
export interface StompHandshake {
  readonly headers: IncomingHttpHeaders;
  /** Path and query of the request. */
  readonly url: string;
  /** The client's address: the socket's peer, or what a trusted proxy forwarded (option `trustProxy`). */
  readonly remoteAddress: string | undefined;
}

/** What `authenticate` gets: the CONNECT frame and the handshake of its connection. */
export interface StompConnectRequest {
  /** All CONNECT headers, e.g. a `token` or `Authorization` header of your own. */
  readonly headers: StompHeaders;
  readonly login: string | undefined;
  readonly passcode: string | undefined;
  readonly handshake: StompHandshake;
  readonly sessionId: string;
}

/**
 * Decides who connects. Return the principal, `undefined` for an anonymous session, or throw to
 * refuse the CONNECT: the client gets an ERROR whose message is the error's, and is disconnected.
 */
export type StompAuthenticator = (request: StompConnectRequest) => StompPrincipal | undefined | Promise<StompPrincipal | undefined>;
