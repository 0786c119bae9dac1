import { StompConfigurationError } from './errors/stomp-configuration.error.js';
import { MAX_TIMER_MS } from './protocol/heart-beat.js';
import { destinationAuthorization, type StompAuthorizationRule } from './session/destination-authorization.js';
import { sockJsClientPath } from './transport/endpoint-settings.js';
import {
  STOMP_DEFAULTS,
  type ResolvedStompEndpoint,
  type ResolvedStompOptions,
  type StompEndpointOptions,
  type StompModuleOptions,
} from './stomp.options.js';

/** Applies defaults and rejects options that cannot work, with a message naming the option. */
export function resolveStompOptions(options: StompModuleOptions): ResolvedStompOptions {
  if (!options || options.endpoint == null) {
    throw StompConfigurationError.invalid('endpoint', "it is required, e.g. StompModule.forRoot({ endpoint: '/portfolio' })");
  }
  const endpoints = toEndpointList(options.endpoint).map(resolveEndpoint);
  if (endpoints.length === 0) throw StompConfigurationError.invalid('endpoint', 'the list is empty; give at least one endpoint');
  const paths = new Set<string>();
  for (const { path } of endpoints) {
    if (paths.has(path)) throw StompConfigurationError.invalid('endpoint', `the path '${path}' is used twice`);
    paths.add(path);
  }
  const appPrefixes = prefixes('appPrefixes', options.appPrefixes ?? STOMP_DEFAULTS.appPrefixes);
  const brokerPrefixes = prefixes('brokerPrefixes', options.brokerPrefixes ?? STOMP_DEFAULTS.brokerPrefixes);
  for (const app of appPrefixes) {
    if (brokerPrefixes.some((b) => b.startsWith(app) || app.startsWith(b))) {
      throw StompConfigurationError.invalid('appPrefixes', `'${app}' overlaps a broker prefix (${brokerPrefixes.join(', ')})`);
    }
  }
  const userDestinationPrefix = prefix('userDestinationPrefix', options.userDestinationPrefix ?? STOMP_DEFAULTS.userDestinationPrefix);
  for (const other of [...appPrefixes, ...brokerPrefixes]) {
    if (other.startsWith(userDestinationPrefix) || userDestinationPrefix.startsWith(other)) {
      throw StompConfigurationError.invalid('userDestinationPrefix', `'${userDestinationPrefix}' overlaps the prefix '${other}'`);
    }
  }
  const errorDestination = options.errorDestination ?? STOMP_DEFAULTS.errorDestination;
  if (errorDestination !== false && !brokerPrefixes.some((p) => errorDestination.startsWith(p))) {
    throw StompConfigurationError.invalid(
      'errorDestination',
      `'${String(errorDestination)}' is not under a broker prefix (${brokerPrefixes.join(', ')}); use e.g. '/queue/errors', or false`,
    );
  }
  if (options.authenticate !== undefined && typeof options.authenticate !== 'function') {
    throw StompConfigurationError.invalid('authenticate', 'expected a function (request) => principal | undefined');
  }
  const interceptors = options.interceptors ?? STOMP_DEFAULTS.interceptors;
  if (!Array.isArray(interceptors)) throw StompConfigurationError.invalid('interceptors', 'expected a list of interceptors');
  const pathSeparator = options.pathSeparator ?? STOMP_DEFAULTS.pathSeparator;
  const { authorization } = options;
  if (authorization !== undefined && (!Array.isArray(authorization.rules) || authorization.rules.some((rule) => !isRule(rule)))) {
    throw StompConfigurationError.invalid(
      'authorization',
      "expected { rules: [{ destination: '/topic/news/**', on?: 'SEND' | 'SUBSCRIBE', allow: 'everyone' | 'authenticated' | 'nobody' | (principal) => boolean }] }",
    );
  }
  if (pathSeparator !== '/' && pathSeparator !== '.') {
    throw StompConfigurationError.invalid('pathSeparator', `expected '/' or '.', got '${String(pathSeparator)}'`);
  }
  const heartbeat = options.heartbeat ?? STOMP_DEFAULTS.heartbeat;
  if (heartbeat.length !== 2 || !heartbeat.every((v) => Number.isInteger(v) && v >= 0)) {
    throw StompConfigurationError.invalid('heartbeat', 'expected [send, receive] in whole milliseconds, e.g. [10000, 10000]');
  }
  const broker = options.broker ?? STOMP_DEFAULTS.broker;
  if (typeof broker !== 'object' || broker === null || (!('kind' in broker) && typeof (broker as { publish?: unknown }).publish !== 'function')) {
    throw StompConfigurationError.invalid('broker', "expected { kind: 'simple' | 'relay' | 'redis', ... } or a MessageBroker instance");
  }
  if ('kind' in broker && !['simple', 'relay', 'redis'].includes(broker.kind)) {
    throw StompConfigurationError.invalid('broker', `unknown kind '${String(broker.kind)}': expected 'simple', 'relay' or 'redis'`);
  }
  return {
    endpoints,
    broker,
    appPrefixes,
    brokerPrefixes,
    defaultDestinationPrefix: trimTrailingSlash(options.defaultDestinationPrefix ?? STOMP_DEFAULTS.defaultDestinationPrefix),
    userDestinationPrefix,
    errorDestination,
    authenticate: options.authenticate,
    // Authorization sees frames last, as the application's own interceptors left them.
    interceptors: authorization ? [...interceptors, destinationAuthorization(authorization, pathSeparator)] : [...interceptors],
    pathSeparator,
    heartbeat: [heartbeat[0], heartbeat[1]],
    heartbeatGraceFactor: positive('heartbeatGraceFactor', options.heartbeatGraceFactor ?? STOMP_DEFAULTS.heartbeatGraceFactor),
    maxFrameSize: positiveInteger('maxFrameSize', options.maxFrameSize ?? STOMP_DEFAULTS.maxFrameSize),
    maxHeaders: positiveInteger('maxHeaders', options.maxHeaders ?? STOMP_DEFAULTS.maxHeaders),
    maxHeaderLineLength: positiveInteger('maxHeaderLineLength', options.maxHeaderLineLength ?? STOMP_DEFAULTS.maxHeaderLineLength),
    connectTimeout: timerMilliseconds('connectTimeout', positiveInteger('connectTimeout', options.connectTimeout ?? STOMP_DEFAULTS.connectTimeout)),
    maxSubscriptionsPerSession: positiveInteger('maxSubscriptionsPerSession', options.maxSubscriptionsPerSession ?? STOMP_DEFAULTS.maxSubscriptionsPerSession),
    maxPatternSubscriptionsPerSession: positiveInteger(
      'maxPatternSubscriptionsPerSession',
      options.maxPatternSubscriptionsPerSession ?? STOMP_DEFAULTS.maxPatternSubscriptionsPerSession,
    ),
    maxPatternSubscriptions: positiveInteger('maxPatternSubscriptions', options.maxPatternSubscriptions ?? STOMP_DEFAULTS.maxPatternSubscriptions),
    maxFramesPerSecond: positiveInteger('maxFramesPerSecond', options.maxFramesPerSecond ?? STOMP_DEFAULTS.maxFramesPerSecond),
    maxConnections: positiveInteger('maxConnections', options.maxConnections ?? STOMP_DEFAULTS.maxConnections),
    maxConnectionsPerAddress: positiveInteger('maxConnectionsPerAddress', options.maxConnectionsPerAddress ?? STOMP_DEFAULTS.maxConnectionsPerAddress),
    sendBufferSizeLimit: positiveInteger('sendBufferSizeLimit', options.sendBufferSizeLimit ?? STOMP_DEFAULTS.sendBufferSizeLimit),
    sendTimeLimit: positiveInteger('sendTimeLimit', options.sendTimeLimit ?? STOMP_DEFAULTS.sendTimeLimit),
    pingInterval: timerMilliseconds('pingInterval', wholeMilliseconds('pingInterval', options.pingInterval ?? STOMP_DEFAULTS.pingInterval)),
    authorization: options.authorization,
  };
}

function isRule(rule: StompAuthorizationRule): boolean {
  return (
    typeof rule?.destination === 'string' &&
    (typeof rule.allow === 'function' || ['everyone', 'authenticated', 'nobody'].includes(rule.allow as string))
  );
}

function toEndpointList(endpoint: StompModuleOptions['endpoint']): readonly StompEndpointOptions[] {
  if (typeof endpoint === 'string') return [{ path: endpoint }];
  return Array.isArray(endpoint) ? (endpoint as readonly StompEndpointOptions[]) : [endpoint as StompEndpointOptions];
}

function clientLibraryUrl(endpoint: StompEndpointOptions, path: string): string {
  const url = typeof endpoint.sockJs === 'object' ? endpoint.sockJs.clientLibraryUrl : undefined;
  if (url === undefined) return sockJsClientPath(path);
  if (typeof url !== 'string' || url === '') throw StompConfigurationError.invalid('endpoint', `sockJs.clientLibraryUrl must be a URL, got ${JSON.stringify(url)}`);
  return url;
}

function resolveEndpoint(endpoint: StompEndpointOptions): ResolvedStompEndpoint {
  if (typeof endpoint?.path !== 'string' || !endpoint.path.startsWith('/')) {
    throw StompConfigurationError.invalid('endpoint', `path must start with '/', got '${String(endpoint?.path)}'`);
  }
  const path = endpoint.path.length > 1 ? trimTrailingSlash(endpoint.path) : endpoint.path;
  if (endpoint.sockJs && path === '/') {
    throw StompConfigurationError.invalid('endpoint', "SockJS needs a path of its own (its URLs live below it, e.g. '/portfolio/info'), not '/'");
  }
  const sockJs = endpoint.sockJs
    ? { ...STOMP_DEFAULTS.sockJs, ...(endpoint.sockJs === true ? {} : endpoint.sockJs), clientLibraryUrl: clientLibraryUrl(endpoint, path) }
    : undefined;
  return { path, sockJs, allowedOrigins: [...(endpoint.allowedOrigins ?? [])] };
}

function prefixes(option: string, values: readonly string[]): string[] {
  if (!Array.isArray(values)) {
    throw StompConfigurationError.invalid(option, `expected a list of prefixes, e.g. ['/topic'], got ${JSON.stringify(values)}`);
  }
  return values.map((value) => prefix(option, value));
}

/** Prefixes are compared as `/app/`, so `/app` never matches `/application`. */
function prefix(option: string, value: string): string {
  if (typeof value !== 'string' || !value.startsWith('/')) {
    throw StompConfigurationError.invalid(option, `every prefix must start with '/', got '${String(value)}'`);
  }
  return value.endsWith('/') ? value : `${value}/`;
}

function trimTrailingSlash(value: string): string {
  return value.endsWith('/') ? value.slice(0, -1) : value;
}

function positive(option: string, value: number): number {
  if (!(typeof value === 'number' && value > 0)) throw StompConfigurationError.invalid(option, `expected a positive number, got ${String(value)}`);
  return value;
}

/** Node runs a timer set past MAX_TIMER_MS after 1 ms, which would close every connection at once. */
function timerMilliseconds(option: string, value: number): number {
  if (value > MAX_TIMER_MS) throw StompConfigurationError.invalid(option, `expected at most ${MAX_TIMER_MS} ms (about 24.8 days), got ${value}`);
  return value;
}

/** A period where `0` means off. */
function wholeMilliseconds(option: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) throw StompConfigurationError.invalid(option, `expected whole milliseconds (0 for off), got ${String(value)}`);
  return value;
}

function positiveInteger(option: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0) throw StompConfigurationError.invalid(option, `expected a positive integer, got ${String(value)}`);
  return value;
}
