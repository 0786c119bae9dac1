import { StompConfigurationError } from '../errors/stomp-configuration.error.js';
import type { StompPublication } from '../handlers/handler-metadata.js';
import type { EndpointSettings } from '../transport/endpoint-settings.js';

/** The `asyncApi` option: an AsyncAPI 3.0 document of the application's STOMP API, served over HTTP. */
export interface StompAsyncApiOptions {
  /** Where the JSON document is served. Default `'/asyncapi.json'`. */
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

export const ASYNCAPI_DEFAULTS = { path: '/asyncapi.json', uiPath: '/asyncapi', title: 'STOMP API', version: '1.0.0' } as const;

/** What the AsyncAPI stage reads of the module's options. */
export interface AsyncApiSettings {
  readonly asyncApi: ResolvedAsyncApiOptions;
  readonly endpoints: readonly EndpointSettings[];
  readonly appPrefixes: readonly string[];
  readonly userDestinationPrefix: string;
  readonly errorDestination: string | false;
  readonly pathSeparator: '/' | '.';
}

/** `undefined` or `false`: not served (the document can still be built); `true`: the defaults. */
export function resolveAsyncApiOptions(option: StompAsyncApiOptions | boolean | undefined): ResolvedAsyncApiOptions {
  const serve = option !== undefined && option !== false;
  const options: StompAsyncApiOptions = typeof option === 'object' && option !== null ? option : {};
  if (option !== undefined && typeof option !== 'boolean' && (typeof option !== 'object' || option === null)) {
    throw StompConfigurationError.invalid('asyncApi', `expected true or { path?, uiPath?, info?, host?, publishes? }, got ${JSON.stringify(option)}`);
  }
  const path = httpPath('asyncApi.path', options.path ?? ASYNCAPI_DEFAULTS.path);
  const uiPath = options.uiPath === false ? false : httpPath('asyncApi.uiPath', options.uiPath ?? ASYNCAPI_DEFAULTS.uiPath);
  if (uiPath === path) throw StompConfigurationError.invalid('asyncApi.uiPath', `'${uiPath}' is also the document's path`);
  const publishes = options.publishes ?? [];
  if (!Array.isArray(publishes) || publishes.some((p: StompPublication) => typeof p?.destination !== 'string' || !p.destination)) {
    throw StompConfigurationError.invalid('asyncApi.publishes', "expected a list of { destination: '/topic/x', type?, schema?, description? }");
  }
  return {
    serve,
    path,
    uiPath,
    info: {
      title: options.info?.title ?? ASYNCAPI_DEFAULTS.title,
      version: options.info?.version ?? ASYNCAPI_DEFAULTS.version,
      description: options.info?.description,
    },
    host: options.host,
    publishes,
  };
}

function httpPath(option: string, value: string): string {
  if (typeof value !== 'string' || !value.startsWith('/') || /[?#\s]/.test(value)) {
    throw StompConfigurationError.invalid(option, `expected a path starting with '/', got ${JSON.stringify(value)}`);
  }
  return value.length > 1 && value.endsWith('/') ? value.slice(0, -1) : value;
}
