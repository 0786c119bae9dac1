import type { StompPublication } from '../handlers/handler-metadata.js';
import type { EndpointSettings } from '../transport/endpoint-settings.js';

/** The `asyncApi` option: an AsyncAPI 3.0 document of the application's STOMP API, served over HTTP. */
export interface StompAsyncApiOptions {
  /** Where the JSON document is served. Default `STOMP_DEFAULTS.asyncApiDocument.path` (`'/asyncapi.json'`). */
  readonly path?: string;
  /** Where the HTML page rendering it is served; `false` for none. Default `'/asyncapi'`. */
  readonly uiPath?: string | false;
  /** The document's `info`. Default title `'STOMP API'`, version `'1.0.0'`, no description. */
  readonly info?: { readonly title?: string; readonly version?: string; readonly description?: string };
  /**
   * The servers' `host` (`chat.example.com`). Default: the `Host` header of the request for the
   * document (`localhost` in `createAsyncApiDocument`).
   */
  readonly host?: string;
  /**
   * Broker destinations the application sends to through `SimpMessagingTemplate` that no handler
   * returns (as `@StompPublishes` declares them on a class). Default `[]`.
   */
  readonly publishes?: readonly StompPublication[];
}

export interface ResolvedAsyncApiOptions {
  /** `false`: the document is only built on demand (`createAsyncApiDocument`), never served. */
  readonly serve: boolean;
  readonly path: string;
  readonly uiPath: string | false;
  readonly info: { readonly title: string; readonly version: string; readonly description: string | undefined };
  readonly host: string | undefined;
  readonly publishes: readonly StompPublication[];
}

/** What the AsyncAPI stage reads of the module's options. */
export interface AsyncApiSettings {
  readonly asyncApi: ResolvedAsyncApiOptions;
  readonly endpoints: readonly EndpointSettings[];
  readonly appPrefixes: readonly string[];
  readonly userDestinationPrefix: string;
  readonly errorDestination: string | false;
  readonly pathSeparator: '/' | '.';
}
