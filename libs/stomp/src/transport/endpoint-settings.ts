import type { ProxyTrust } from './client-address.js';

/** One endpoint as the transport serves it: the `endpoint` option with its defaults applied. */
export interface EndpointSettings {
  readonly path: string;
  readonly sockJs: SockJsSettings | undefined;
  readonly allowedOrigins: readonly string[];
  /** `publicOrigin`, as a list of canonical origins (`scheme://host[:port]`, no default port). */
  readonly publicOrigins: readonly string[];
}

/** SockJS settings of an endpoint (see StompSockJsOptions for each one's meaning). */
export interface SockJsSettings {
  readonly heartbeatDelay: number;
  readonly disconnectDelay: number;
  readonly responseLimit: number;
  readonly clientLibraryUrl: string;
}

/** What the server reads of the module's options. */
export interface TransportSettings {
  readonly endpoints: readonly EndpointSettings[];
  /** Derived from `maxFrameSize` by the options resolver: the largest WebSocket message taken. */
  readonly maxWebSocketMessageSize: number;
  /** Derived from `maxFrameSize` by the options resolver: the largest SockJS request body taken. */
  readonly maxSockJsRequestBody: number;
  readonly maxConnections: number;
  /** `Infinity`: no per-address limit. */
  readonly maxConnectionsPerAddress: number;
  /** `trustProxy`, compiled: which peers' `X-Forwarded-For` names the client. */
  readonly trustProxy: ProxyTrust;
  readonly pingInterval: number;
}

/** Where an endpoint serves the SockJS client itself, unless `clientLibraryUrl` says otherwise. */
export function sockJsClientPath(endpointPath: string): string {
  return `${endpointPath}/sockjs.min.js`;
}
