import { StompConfigurationError } from './errors/stomp-configuration.error.js';
import { isObject, nonEmptyText, optional, positiveInteger, rejectUnknownKeys, resolveTable, timer, type Check } from './stomp-options.checks.js';
import { STOMP_DEFAULTS, type StompEndpointOptions, type StompSockJsOptions } from './stomp.options.js';
import { sockJsClientPath, type EndpointSettings, type SockJsSettings } from './transport/endpoint-settings.js';
import { canonicalOrigin } from './transport/origin-policy.js';

const ENDPOINT_KEYS = ['path', 'sockJs', 'allowedOrigins', 'publicOrigin'] as const satisfies readonly (keyof StompEndpointOptions)[];

/** The SockJS options and their checks; `clientLibraryUrl` defaults to a path under the endpoint. */
const SOCKJS_OPTIONS = {
  heartbeatDelay: timer(positiveInteger),
  disconnectDelay: timer(positiveInteger),
  responseLimit: positiveInteger,
  clientLibraryUrl: optional(nonEmptyText),
} satisfies { readonly [K in keyof Required<StompSockJsOptions>]: Check<unknown> };

/** `'*'`, or `scheme://host[:port]` in which `*` may stand for part of the host or the port. */
function allowedOrigins(entries: unknown, option: string): string[] {
  if (!Array.isArray(entries)) throw StompConfigurationError.invalid(option, `allowedOrigins must be a list, e.g. ['https://app.example.com'], got ${JSON.stringify(entries)}`);
  for (const entry of entries as unknown[]) {
    if (entry === '*') continue;
    const written = typeof entry === 'string' ? entry.replace(/\/$/, '') : '';
    // Stand-ins for the wildcards (a digit in the port, a letter elsewhere) make a pattern parse as an origin.
    const example = written.replace(/:([\d*]+)$/, (_, port: string) => `:${port.replaceAll('*', '1')}`).replaceAll('*', 'x');
    if (canonicalOrigin(example) === undefined) {
      throw StompConfigurationError.invalid(
        option,
        `allowedOrigins: ${JSON.stringify(entry)} is not an origin; write scheme://host[:port], e.g. 'https://app.example.com' or 'https://*.example.com'`,
      );
    }
  }
  return [...(entries as string[])];
}

/** Exact origins, no pattern: what browsers show in the address bar, without a path. */
function publicOrigins(value: unknown, option: string): string[] {
  if (value === undefined) return [];
  const entries: unknown = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(entries) || entries.length === 0) {
    throw StompConfigurationError.invalid(option, `publicOrigin must be an origin or a non-empty list of them, e.g. 'https://chat.example.com', got ${JSON.stringify(value)}`);
  }
  return (entries as unknown[]).map((entry) => {
    const origin = typeof entry === 'string' && !entry.includes('*') ? canonicalOrigin(entry.replace(/\/$/, '')) : undefined;
    if (origin === undefined) {
      throw StompConfigurationError.invalid(option, `publicOrigin: ${JSON.stringify(entry)} is not an origin; write scheme://host[:port], e.g. 'https://chat.example.com'`);
    }
    return origin;
  });
}

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
    allowedOrigins: allowedOrigins(given.allowedOrigins ?? STOMP_DEFAULTS.eachEndpoint.allowedOrigins, option),
    publicOrigins: publicOrigins(given.publicOrigin, option),
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
