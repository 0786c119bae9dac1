import type { IncomingHttpHeaders } from 'node:http';
import { isIP } from 'node:net';
import proxyaddr from 'proxy-addr';
import { forwardedFor } from './forwarded-header.js';

/**
 * Which peers are proxies whose `X-Forwarded-For` (or, without one, `Forwarded`) is believed, as Express's `trust proxy`: `false`
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
 * forwarded entry that is not itself trusted (proxy-addr's walk from the right, so entries a client
 * wrote itself are never believed past the first untrusted hop). The entries are `X-Forwarded-For`'s
 * when the request has one, else the `for=` nodes of RFC 7239's `Forwarded` (see `forwardedChain`).
 * An obfuscated `Forwarded` node (`_hidden`, `unknown`) is never trusted: met first, it is the address.
 */
export function clientAddress(peer: string | undefined, headers: IncomingHttpHeaders, trust: ProxyTrust): string | undefined {
  if (peer === undefined || trust === TRUST_NONE) return peer;
  const chain = forwardedChain(headers);
  if (chain === undefined) return peer;
  const request = { connection: { remoteAddress: peer }, socket: { remoteAddress: peer }, headers: { 'x-forwarded-for': chain } };
  // Only an address can be a trusted proxy, whatever `trustProxy` says (`true`, a hop count, a
  // function): an identifier (`_hidden`, `unknown`) or garbage ends the walk and is the address.
  return proxyaddr(request as unknown as Parameters<typeof proxyaddr>[0], (address, hop) => isIP(address) !== 0 && trust(address, hop));
}

/**
 * The forwarded addresses, left to right, as one `X-Forwarded-For` list. `X-Forwarded-For` wins
 * when both headers came: it is what nginx, HAProxy and the cloud load balancers append to, and a
 * proxy passes on any header it does not set itself, so the one it does not maintain may be a
 * client's forgery. A proxy that sets only `Forwarded` must therefore drop an incoming
 * `X-Forwarded-For` (the README's Deployment section says so).
 */
function forwardedChain(headers: IncomingHttpHeaders): string | undefined {
  const xForwardedFor = oneLine(headers['x-forwarded-for']);
  if (xForwardedFor !== undefined) return xForwardedFor;
  const forwarded = oneLine(headers.forwarded);
  return forwarded === undefined ? undefined : forwardedFor(forwarded).join(', ');
}

/** A list header that came on several lines, as one (HTTP joins them with commas). */
function oneLine(value: string | readonly string[] | undefined): string | undefined {
  return typeof value === 'string' || value === undefined ? value : value.join(', ');
}
