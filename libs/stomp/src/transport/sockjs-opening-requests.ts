import type { IncomingHttpHeaders } from 'node:http';

/**
 * A SockJS request that may open a session: `{path}/{server}/{session}/{transport}`, the session id
 * captured. Not `websocket`: the library serves that transport itself, with the request in hand.
 */
const SESSION_REQUEST = /\/[^/.]+\/([^/.]+)\/(?:xhr|xhr_streaming|eventsource|htmlfile|jsonp)$/;

/** Most requests remembered while they wait for their session: a flood of them cannot grow the map. */
const MAX_PENDING = 1000;

/**
 * The full headers of the request that opened each SockJS session. sockjs 0.3 gives a session only
 * a dozen of its request's headers (`x-forwarded-for`, `x-real-ip`, `via`, `host`, `user-agent`,
 * `referer`...), not `Forwarded`, `Cookie` or `Authorization`. The endpoint tells this of every
 * request that may open a session before sockjs sees it; sockjs tells of the session (with the
 * URL of the request that opened it) on the same tick. Requests of sessions already open are not
 * remembered.
 */
export class SockJsOpeningRequests {
  private readonly pending = new Map<string, IncomingHttpHeaders>();
  private readonly open = new Set<string>();

  /** Before sockjs handles the request. */
  remember(pathname: string, headers: IncomingHttpHeaders): void {
    const session = sessionOf(pathname);
    if (session === undefined || this.open.has(session) || this.pending.has(session)) return;
    if (this.pending.size >= MAX_PENDING) this.pending.delete(this.pending.keys().next().value!);
    this.pending.set(session, headers);
  }

  /** sockjs opened a session on the request at `url`: that request's headers, if remembered. */
  opened(url: string): IncomingHttpHeaders | undefined {
    const session = sessionOf(pathOf(url));
    if (session === undefined) return undefined;
    const headers = this.pending.get(session);
    this.pending.delete(session);
    this.open.add(session);
    return headers;
  }

  /** The session opened at `url` ended. */
  closed(url: string): void {
    const session = sessionOf(pathOf(url));
    if (session !== undefined) this.open.delete(session);
  }
}

function sessionOf(pathname: string): string | undefined {
  return SESSION_REQUEST.exec(pathname)?.[1];
}

function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}
