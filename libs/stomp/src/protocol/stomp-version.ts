export type StompVersion = '1.0' | '1.1' | '1.2';

/** Most preferred first: the server picks the highest version both sides speak. */
export const SUPPORTED_VERSIONS: readonly StompVersion[] = ['1.2', '1.1', '1.0'];

/** WebSocket sub-protocols (RFC 6455 `Sec-WebSocket-Protocol`) registered for STOMP. */
export const STOMP_SUBPROTOCOLS: Readonly<Record<string, StompVersion>> = {
  'v12.stomp': '1.2',
  'v11.stomp': '1.1',
  'v10.stomp': '1.0',
};

/**
 * The version to answer a CONNECT with, from its `accept-version` header. No header means the
 * client speaks 1.0 (STOMP 1.1, "Protocol Negotiation"). `undefined`: nothing in common.
 */
export function negotiateVersion(acceptVersion: string | undefined): StompVersion | undefined {
  if (acceptVersion === undefined) return '1.0';
  // A client library sends the same header on every connection: a storm of them reads it once.
  if (acceptVersion === lastOffer) return lastAnswer;
  const offered = new Set(acceptVersion.split(',').map((v) => v.trim()));
  lastAnswer = SUPPORTED_VERSIONS.find((v) => offered.has(v));
  lastOffer = acceptVersion;
  return lastAnswer;
}

let lastOffer: string | undefined;
let lastAnswer: StompVersion | undefined;
