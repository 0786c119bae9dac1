import type { TrustProxy } from 'nest-stomp';

/**
 * `TRUST_PROXY`, read as Express reads `trust proxy` from text: `true`/`false`, a hop count, or
 * addresses, CIDRs and names separated by commas (`loopback`, `10.0.0.0/8, uniquelocal`). Unset or
 * empty: undefined (the library's default, no proxy trusted).
 */
export function trustProxyFromEnv(env: NodeJS.ProcessEnv): TrustProxy | undefined {
  const text = (env.TRUST_PROXY ?? '').trim();
  if (text === '') return undefined;
  if (text === 'true' || text === 'false') return text === 'true';
  if (/^\d+$/.test(text)) return Number(text);
  return text.split(',').map((part) => part.trim()).filter(Boolean);
}

/** `MAX_CONNECTIONS_PER_ADDRESS`: a whole number (`0` turns the limit off); unset: the library's default. */
export function maxConnectionsPerAddressFromEnv(env: NodeJS.ProcessEnv): number | undefined {
  const text = (env.MAX_CONNECTIONS_PER_ADDRESS ?? '').trim();
  if (text === '') return undefined;
  if (!/^\d+$/.test(text)) throw new Error(`MAX_CONNECTIONS_PER_ADDRESS='${text}': expected a whole number (0 for no limit)`);
  return Number(text);
}
