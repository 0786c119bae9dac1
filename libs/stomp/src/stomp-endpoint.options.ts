/** SockJS fallback settings; the defaults are Spring's. */
export interface StompSockJsOptions {
  /** Interval of SockJS's own heart-beat frames, in ms. Default: `STOMP_DEFAULTS.sockJs.heartbeatDelay`. */
  readonly heartbeatDelay?: number;
  /** How long a SockJS session survives without a receiving connection, in ms. Default: `STOMP_DEFAULTS.sockJs.disconnectDelay`. */
  readonly disconnectDelay?: number;
  /** Bytes sent on one streaming HTTP response before the client must open another. Default: `STOMP_DEFAULTS.sockJs.responseLimit`. */
  readonly responseLimit?: number;
  /**
   * Where the iframe-based transports (for browsers that cannot do cross-origin XHR) load the
   * SockJS client from (Spring's `clientLibraryUrl`). Default `{path}/sockjs.min.js`, served by
   * the endpoint from the `sockjs-client` package when it is installed: nothing loads from a CDN.
   */
  readonly clientLibraryUrl?: string;
}

/** One URL clients connect to. */
export interface StompEndpointOptions {
  /** Path of the endpoint, e.g. `/portfolio`. */
  readonly path: string;
  /**
   * Serve SockJS on `path` too (Spring's `withSockJS()`); raw WebSocket is then also at
   * `{path}/websocket`. `true` for the defaults. Default: `STOMP_DEFAULTS.eachEndpoint.sockJs`.
   */
  readonly sockJs?: boolean | StompSockJsOptions;
  /**
   * Browser origins allowed to connect, as exact origins (`https://example.com`) or patterns with
   * `*` (`https://*.example.com`, `http://localhost:*`), compared on scheme, host and port as
   * written; `*` never spans a `:` or a `/`. `['*']` allows any. Requests with no `Origin` header
   * (non-browser clients) and same-origin requests (see `publicOrigin`) are always allowed.
   * Default: `STOMP_DEFAULTS.eachEndpoint.allowedOrigins`; an empty list allows the same origin only,
   * as Spring.
   */
  readonly allowedOrigins?: readonly string[];
  /**
   * This server's own origin(s) as browsers see them, e.g. `'https://chat.example.com'`: set it
   * when clients reach the server through a proxy or under a host name. Same-origin then means
   * exactly these. When not set, same-origin means the scheme the server itself serves
   * (`https:` on TLS, else `http:`) with a `Host` that is the IP address the connection arrived on
   * (or `localhost` on loopback) and its port; a page under any host name is refused until it is
   * listed here, because DNS rebinding makes a foreign page's `Origin` and `Host` agree.
   */
  readonly publicOrigin?: string | readonly string[];
}
