/** How a test client reaches the endpoint and how long it waits. */
export interface StompTestClientOptions {
  /**
   * The endpoint's path (`'/ws'`) when the application has several; by default its only endpoint.
   * Not used when the target is a URL.
   */
  readonly path?: string;
  /**
   * `'websocket'` (the default): a raw WebSocket. `'sockjs'`: a SockJS session through the optional
   * peer `sockjs-client`, to an endpoint with `sockJs` on; it carries text only.
   */
  readonly transport?: 'websocket' | 'sockjs';
  /**
   * How long each wait may take, in ms (connect, a RECEIPT, `next`, `expectMessage`), unless the
   * call gives its own. Below Jest's default test timeout, so the client's failure message is the
   * one the test reports.
   */
  readonly timeout?: number;
  /** HTTP headers of the WebSocket handshake (`Origin`, `Authorization`...); not for SockJS. */
  readonly handshakeHeaders?: Readonly<Record<string, string>>;
}

/** What CONNECT carries. */
export interface StompTestConnectOptions {
  readonly login?: string;
  readonly passcode?: string;
  /** More CONNECT headers; they override the client's own (`accept-version`, `host`, `heart-beat`). */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Headers of a SEND or SUBSCRIBE; one given as `undefined` is left out (`'content-type': undefined`). */
export type StompTestHeaders = Readonly<Record<string, string | undefined>>;

/** The wait of every test client that does not choose its own (3 s). */
export const DEFAULT_TEST_TIMEOUT_MS = 3000;
