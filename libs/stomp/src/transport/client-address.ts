import type { IncomingHttpHeaders } from 'node:http';
import proxyaddr from 'proxy-addr';

/**
 * Which peers are proxies whose `X-Forwarded-For` is believed, as Express's `trust proxy`: `false`
 * (none), `true` (every one: the left-most address is the client's), a number of hops, addresses,
 * CIDRs or the names `'loopback'`, `'linklocal'`, `'uniquelocal'` (a list, or one string with
 * commas), or a function `(address, hop) => boolean`.
 */
export type TrustProxy = boolean | number | string | readonly string[] | ((address: string, hop: number) => boolean);

/** Whether the peer at `hop` (0: the socket's own peer) is a trusted proxy. */
export type ProxyTrust = (address: string, hop: number) => boolean;

const TRUST_NONE: ProxyTrust = () => false;
const TRUST_ALL: ProxyTrust = () => true;

/**
 * Compiles `trustProxy` as Express does (proxy-addr's `compile`, which knows the named ranges and
 * IPv4-mapped IPv6). Throws a TypeError on an address or range it cannot read.
 */
export function compileTrustProxy(value: TrustProxy): ProxyTrust {
  if (value === false) return TRUST_NONE;
  if (value === true) return TRUST_ALL;
  if (typeof value === 'function') return value;
  if (typeof value === 'number') return (_address, hop) => hop < value;
  const list = typeof value === 'string' ? value.split(',').map((part) => part.trim()) : [...value];
  return proxyaddr.compile(list);
}

/**
 * The client's address: the socket's peer, or, when that peer is a trusted proxy, the right-most
 * `X-Forwarded-For` entry that is not itself trusted (proxy-addr's walk from the right, so entries
 * a client wrote itself are never believed past the first untrusted hop).
 */
export function clientAddress(peer: string | undefined, headers: IncomingHttpHeaders, trust: ProxyTrust): string | undefined {
  if (peer === undefined || trust === TRUST_NONE || headers['x-forwarded-for'] === undefined) return peer;
  const request = { connection: { remoteAddress: peer }, socket: { remoteAddress: peer }, headers };
  return proxyaddr(request as unknown as Parameters<typeof proxyaddr>[0], trust);
}
