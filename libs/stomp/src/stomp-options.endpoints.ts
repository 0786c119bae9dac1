import { StompConfigurationError } from './errors/stomp-configuration.error.js';
import { isObject, listOf, nonEmptyText, optional, positiveInteger, rejectUnknownKeys, resolveTable, timer, type Check } from './stomp-options.checks.js';
import { STOMP_DEFAULTS, type StompEndpointOptions, type StompSockJsOptions } from './stomp.options.js';
import { sockJsClientPath, type EndpointSettings, type SockJsSettings } from './transport/endpoint-settings.js';

const ENDPOINT_KEYS = ['path', 'sockJs', 'allowedOrigins'] as const satisfies readonly (keyof StompEndpointOptions)[];

/** The SockJS options and their checks; `clientLibraryUrl` defaults to a path under the endpoint. */
const SOCKJS_OPTIONS = {
  heartbeatDelay: timer(positiveInteger),
  disconnectDelay: timer(positiveInteger),
  responseLimit: positiveInteger,
  clientLibraryUrl: optional(nonEmptyText),
} satisfies { readonly [K in keyof Required<StompSockJsOptions>]: Check<unknown> };

const allowedOrigins = listOf(nonEmptyText, "a list of origins, e.g. ['https://example.com']");

/** The `endpoint` option: a path, one endpoint or several, each checked, no path twice. */
export const resolveEndpoints: Check<EndpointSettings[]> = (value, option) => {
  if (value == null) throw StompConfigurationError.invalid(option, "it is required, e.g. StompModule.forRoot({ endpoint: '/portfolio' })");
  const endpoints = toEndpointList(value).map((endpoint) => resolveEndpoint(endpoint, option));
  if (endpoints.length === 0) throw StompConfigurationError.invalid(option, 'the list is empty; give at least one endpoint');
  const paths = new Set<string>();
  for (const { path } of endpoints) {
    if (paths.has(path)) throw StompConfigurationError.invalid(option, `the path '${path}' is used twice`);
    paths.add(path);
  }
  return endpoints;
};

function toEndpointList(endpoint: unknown): readonly unknown[] {
  if (typeof endpoint === 'string') return [{ path: endpoint }];
  return Array.isArray(endpoint) ? endpoint : [endpoint];
}

function resolveEndpoint(endpoint: unknown, option: string): EndpointSettings {
  if (isObject(endpoint)) rejectUnknownKeys(endpoint, ENDPOINT_KEYS, option);
  const given = endpoint as Partial<StompEndpointOptions> | null | undefined;
  if (typeof given?.path !== 'string' || !given.path.startsWith('/')) {
    throw StompConfigurationError.invalid(option, `path must start with '/', got '${String(given?.path)}'`);
  }
  const path = given.path.length > 1 ? trimTrailingSlash(given.path) : given.path;
  const sockJs = given.sockJs ?? STOMP_DEFAULTS.eachEndpoint.sockJs;
  if (sockJs && path === '/') {
    throw StompConfigurationError.invalid(option, "SockJS needs a path of its own (its URLs live below it, e.g. '/portfolio/info'), not '/'");
  }
  return {
    path,
    sockJs: sockJs ? resolveSockJs(sockJs, path, `${option}.sockJs`) : undefined,
    allowedOrigins: allowedOrigins(given.allowedOrigins ?? STOMP_DEFAULTS.eachEndpoint.allowedOrigins, `${option}.allowedOrigins`),
  };
}

function resolveSockJs(sockJs: unknown, path: string, option: string): SockJsSettings {
  if (sockJs !== true && !isObject(sockJs)) throw StompConfigurationError.invalid(option, `expected true, false or SockJS options, got ${JSON.stringify(sockJs)}`);
  const settings = resolveTable(SOCKJS_OPTIONS, sockJs === true ? {} : sockJs, STOMP_DEFAULTS.sockJs, option);
  return { ...settings, clientLibraryUrl: settings.clientLibraryUrl ?? sockJsClientPath(path) };
}

function trimTrailingSlash(value: string): string {
  return value.endsWith('/') ? value.slice(0, -1) : value;
}
