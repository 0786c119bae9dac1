import type { IncomingHttpHeaders } from 'node:http';
import { isIP } from 'node:net';
import { escapeRegExp } from '../util/escape-reg-exp.js';

/** What the policy reads of an HTTP request: its headers, and the socket it came on. */
export interface OriginRequest {
  readonly headers: IncomingHttpHeaders;
  readonly socket: { readonly localAddress?: string; readonly localPort?: number; readonly encrypted?: boolean };
}

export type OriginVerdict =
  | { readonly allowed: true }
  | {
      readonly allowed: false;
      /** The `Origin` header as sent. */
      readonly origin: string;
      /** For the client (the 403 body): what to configure, without the server's own addresses. */
      readonly message: string;
      /** For the server's log: why, with what the server saw, and the fix. */
      readonly detail: string;
    };

/** A serialized origin as browsers send it: `scheme://host[:port]`, nothing after the authority. */
const ORIGIN_SHAPE = /^[a-z][a-z0-9+.-]*:\/\/[^/?#@\s\\]+$/;
/** A `Host` header: an authority, nothing else. */
const HOST_SHAPE = /^[^/?#@\s\\]+$/;
/** The verdict of every allowed request (nothing in it depends on the request): one object, not one per handshake. */
const ALLOWED: OriginVerdict = Object.freeze({ allowed: true } as const);

/**
 * `scheme://host[:port]` in lower case, without the scheme's default port (`https://a.example:443`
 * is `https://a.example`); `undefined` when `text` is not an origin (a path, a query, user info,
 * no host, the opaque `null`).
 */
export function canonicalOrigin(text: string): string | undefined {
  // A reconnect wave of browser pages sends one Origin over and over: it is parsed (a `URL`) once.
  if (text === lastOriginText) return lastCanonicalOrigin;
  const canonical = parseOrigin(text);
  lastOriginText = text;
  lastCanonicalOrigin = canonical;
  return canonical;
}

let lastOriginText: string | undefined;
let lastCanonicalOrigin: string | undefined;

function parseOrigin(text: string): string | undefined {
  const lower = text.toLowerCase();
  if (!ORIGIN_SHAPE.test(lower)) return undefined;
  try {
    const url = new URL(lower);
    return url.host === '' ? undefined : `${url.protocol}//${url.host}`;
  } catch {
    return undefined;
  }
}

/**
 * Which browser pages may open a connection, checked on the handshake of raw WebSocket and of every
 * SockJS transport. A request without `Origin` is not from a browser page (browsers send it on
 * WebSocket handshakes and on cross-origin XHR), so it passes. A page's origin passes when it is:
 * - listed in `allowedOrigins`, exactly or by a pattern whose `*` stands for characters other than
 *   `:` and `/` (so a pattern fixes the scheme and the port as written); `'*'` alone allows any;
 * - or the server's own origin: one of `publicOrigins` when any are configured (behind a proxy,
 *   the origin browsers see); otherwise the scheme the server itself serves (`https:` on a TLS
 *   socket, else `http:`) with the request's `Host`, and only when that Host names this server: an
 *   IP literal equal to the address the connection arrived on, or `localhost` on a loopback
 *   address, with the port the connection arrived on. Any other host name is refused: with DNS
 *   rebinding, a page of `evil.example` that resolves to this server sends Origin and Host
 *   `evil.example` alike, so their agreement proves nothing.
 */
export class OriginPolicy {
  private readonly exact = new Set<string>();
  private readonly patterns: RegExp[] = [];
  private readonly anyOrigin: boolean;
  private readonly publicOrigins: ReadonlySet<string>;

  constructor(allowedOrigins: readonly string[], publicOrigins: readonly string[] = []) {
    this.anyOrigin = allowedOrigins.includes('*');
    for (const entry of allowedOrigins) {
      const written = withoutDefaultPort(entry.toLowerCase().replace(/\/$/, ''));
      if (written.includes('*')) {
        this.patterns.push(new RegExp(`^${written.split('*').map(escapeRegExp).join('[^/:]+')}$`));
      } else {
        this.exact.add(canonicalOrigin(written) ?? written);
      }
    }
    this.publicOrigins = new Set(publicOrigins.map((origin) => canonicalOrigin(origin.replace(/\/$/, '')) ?? origin.toLowerCase()));
  }

  allows(request: OriginRequest): boolean {
    return this.check(request).allowed;
  }

  check(request: OriginRequest): OriginVerdict {
    const origin = request.headers.origin;
    if (origin === undefined || this.anyOrigin) return ALLOWED;
    const canonical = canonicalOrigin(origin);
    if (canonical === undefined) return this.refuse(origin, `'${origin}' is not a scheme://host[:port] origin`);
    if (this.exact.has(canonical) || this.patterns.some((pattern) => pattern.test(canonical))) return ALLOWED;
    if (this.publicOrigins.size > 0) {
      if (this.publicOrigins.has(canonical)) return ALLOWED;
      return this.refuse(origin, `it is neither the publicOrigin (${[...this.publicOrigins].join(', ')}) nor in allowedOrigins`);
    }
    const problem = ownOriginProblem(canonical, request);
    return problem === undefined ? ALLOWED : this.refuse(origin, problem);
  }

  private refuse(origin: string, why: string): OriginVerdict {
    return {
      allowed: false,
      origin,
      message:
        `Origin not allowed: '${origin}' is not this server's origin. If browsers reach this server at that origin ` +
        `(through a proxy, under another name), set the endpoint option publicOrigin to it; to let another site connect, list it in allowedOrigins.`,
      detail:
        `Refused a browser connection from Origin '${origin}': ${why}. If browsers reach this server at '${origin}' ` +
        `(through a proxy, under another name), set the endpoint option publicOrigin: '${origin}'; if it is another site you trust, add it to allowedOrigins.`,
    };
  }
}

/** Why `origin` is not the server's own, judged from its socket and `Host`; `undefined` when it is. */
function ownOriginProblem(origin: string, { headers, socket }: OriginRequest): string | undefined {
  const scheme = socket.encrypted ? 'https:' : 'http:';
  const host = headers.host;
  if (!host || !HOST_SHAPE.test(host)) return `the request has no usable Host header to compare it with`;
  const url = parsedHost(scheme, host);
  if (url === undefined) return `the Host header '${host}' is not a host[:port]`;
  const served = `${scheme}//${url.host}`;
  if (!origin.startsWith(`${scheme}//`)) return `this server serves ${scheme} itself (no publicOrigin is set), and the Origin's scheme differs`;
  if (origin !== served) return `it does not match the request's own Host '${host}' (scheme, host and port)`;
  const local = unmapIPv4(socket.localAddress);
  const localPort = String(socket.localPort ?? '');
  const port = url.port || (scheme === 'https:' ? '443' : '80');
  if (port !== localPort) return `the Host's port ${port} is not the port ${localPort} the connection arrived on`;
  if (!namesThisServer(url.hostname, local)) {
    return `the Host '${url.hostname}' is a name, not this server's address ${local ?? '(unknown)'}: names are trusted only through publicOrigin (DNS rebinding makes a foreign page's Origin and Host agree)`;
  }
  return undefined;
}

/** What the own-origin check reads of a `Host`, as `URL` parses it. */
interface ParsedHost {
  readonly host: string;
  readonly hostname: string;
  readonly port: string;
}

let lastHostScheme: string | undefined;
let lastHost: string | undefined;
let lastParsedHost: ParsedHost | undefined;

/** `scheme//host` parsed as a URL's authority; `undefined` when it is not one. Every client of a wave sends the same Host: parsed once. */
function parsedHost(scheme: string, host: string): ParsedHost | undefined {
  if (host === lastHost && scheme === lastHostScheme) return lastParsedHost;
  let parsed: ParsedHost | undefined;
  try {
    const url = new URL(`${scheme}//${host.toLowerCase()}`);
    parsed = { host: url.host, hostname: url.hostname, port: url.port };
  } catch {
    parsed = undefined;
  }
  lastHostScheme = scheme;
  lastHost = host;
  lastParsedHost = parsed;
  return parsed;
}

/** An IP literal of the address the connection arrived on, or `localhost` (any loopback literal) on a loopback address. */
function namesThisServer(hostname: string, local: string | undefined): boolean {
  if (local === undefined) return false;
  const literal = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  if (isIP(literal) !== 0) return literal === local || (isLoopback(local) && isLoopback(literal));
  return literal === 'localhost' && isLoopback(local);
}

function isLoopback(address: string): boolean {
  return address === '::1' || (isIP(address) === 4 && address.startsWith('127.'));
}

/** `::ffff:127.0.0.1` (an IPv4 client on a dual-stack socket) is `127.0.0.1`. */
function unmapIPv4(address: string | undefined): string | undefined {
  return address?.toLowerCase().startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address?.toLowerCase();
}

/** `https://*.example.com:443` is `https://*.example.com`, as browsers send it. */
function withoutDefaultPort(origin: string): string {
  return origin.replace(/^(https:\/\/[^/]*?):443$/, '$1').replace(/^(http:\/\/[^/]*?):80$/, '$1');
}
