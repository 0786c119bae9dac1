import { StompConfigurationError } from './errors/stomp-configuration.error.js';
import type { RetentionSettings } from './broker/retention/retention.options.js';
import type { StompAuthenticator } from './interfaces/stomp-principal.interface.js';
import type { MetricsRegistry } from './metrics/metrics-settings.js';
import { destinationAuthorization, type StompAuthorizationOptions, type StompAuthorizationRule } from './session/destination-authorization.js';
import type { StompChannelInterceptor } from './session/stomp-channel-interceptor.js';
import {
  heartbeatPair,
  isObject,
  limitOrOff,
  listOf,
  oneOf,
  optional,
  positiveInteger,
  positiveNumber,
  rejectUnknownKeys,
  resolveTable,
  timer,
  wholeMilliseconds,
  type Check,
  type ValuesOf,
} from './stomp-options.checks.js';
import { resolveAsyncApi } from './stomp-options.asyncapi.js';
import { resolveBroker } from './stomp-options.broker.js';
import { ALL_LOG_LEVELS } from './util/stomp-logger.js';
import { compileTrustProxy, type ProxyTrust, type TrustProxy } from './transport/client-address.js';
import { resolveEndpoints } from './stomp-options.endpoints.js';
import { MAX_FRAME_SIZE_MULTIPLES, STOMP_DEFAULTS, type ResolvedStompOptions, type StompModuleOptions } from './stomp.options.js';

/** Prefixes are compared as `/app/`, so `/app` never matches `/application`. */
const prefix: Check<string> = (value, option) => {
  if (typeof value !== 'string' || !value.startsWith('/')) {
    throw StompConfigurationError.invalid(option, `every prefix must start with '/', got '${String(value)}'`);
  }
  return value.endsWith('/') ? value : `${value}/`;
};

const prefixList = listOf(prefix, "a list of prefixes, e.g. ['/topic']");

/** A destination prefix written without its trailing '/' (`/topic` + `/chat.send`). */
const destinationPrefix: Check<string> = (value, option) => prefix(value, option).slice(0, -1);

const errorDestination: Check<string | false> = (value, option) => {
  if (value !== false && typeof value !== 'string') throw StompConfigurationError.invalid(option, `expected a destination or false, got ${JSON.stringify(value)}`);
  return value;
};

const authenticate: Check<StompAuthenticator | undefined> = optional((value, option) => {
  if (typeof value !== 'function') throw StompConfigurationError.invalid(option, 'expected a function (request) => principal | undefined');
  return value as StompAuthenticator;
});

const interceptors = listOf<StompChannelInterceptor>((value) => value as StompChannelInterceptor, 'a list of interceptors');

const RULE_KEYS = ['destination', 'on', 'allow'] as const satisfies readonly (keyof StompAuthorizationRule)[];
const AUTHORIZATION_KEYS = ['rules', 'otherwise'] as const satisfies readonly (keyof StompAuthorizationOptions)[];
const RULES_EXPECTED =
  "expected { rules: [{ destination: '/topic/news/**', on?: 'SEND' | 'SUBSCRIBE', allow: 'everyone' | 'authenticated' | 'nobody' | (principal) => boolean }] }";

const authorization: Check<StompAuthorizationOptions | undefined> = optional((value, option) => {
  if (isObject(value)) rejectUnknownKeys(value, AUTHORIZATION_KEYS, option);
  if (!isObject(value) || !Array.isArray(value.rules)) throw StompConfigurationError.invalid(option, RULES_EXPECTED);
  value.rules.forEach((rule: unknown, index: number) => {
    if (isObject(rule)) rejectUnknownKeys(rule, RULE_KEYS, `${option}.rules[${index}]`);
    if (!isRule(rule)) throw StompConfigurationError.invalid(option, RULES_EXPECTED);
  });
  optional(oneOf('allow', 'deny'))(value.otherwise, `${option}.otherwise`);
  return value as unknown as StompAuthorizationOptions;
});

const METRICS = {
  enabled: (value: unknown, option: string): boolean => {
    if (typeof value !== 'boolean') throw StompConfigurationError.invalid(option, `expected true or false, got ${String(value)}`);
    return value;
  },
  registry: optional((value, option) => {
    if (!isObject(value) || typeof value.registerMetric !== 'function' || typeof value.removeSingleMetric !== 'function') {
      throw StompConfigurationError.invalid(option, "expected a prom-client Registry (new Registry() from 'prom-client')");
    }
    return value as unknown as MetricsRegistry;
  }),
  prefix: (value: unknown, option: string): string => {
    if (typeof value !== 'string' || !/^([a-zA-Z_:][a-zA-Z0-9_:]*)?$/.test(value)) {
      throw StompConfigurationError.invalid(option, `expected a metric name prefix (letters, digits, '_', ':'), got ${JSON.stringify(value)}`);
    }
    return value;
  },
};

const metrics: Check<ValuesOf<typeof METRICS>> = (value, option) => {
  if (!isObject(value)) throw StompConfigurationError.invalid(option, 'expected { enabled, registry?, prefix? }');
  return resolveTable(METRICS, value, STOMP_DEFAULTS.metrics, option);
};

const TRUST_PROXY_EXPECTED = "expected false, true, a number of hops, addresses or CIDRs (e.g. 'loopback' or ['10.0.0.0/8']), or (address, hop) => boolean";

/** Express's `trust proxy` values, compiled once into the function the transport asks. */
const trustProxy: Check<ProxyTrust> = (value, option) => {
  const valid =
    typeof value === 'boolean' ||
    typeof value === 'function' ||
    (Number.isInteger(value) && (value as number) >= 0) ||
    typeof value === 'string' ||
    (Array.isArray(value) && value.every((item) => typeof item === 'string'));
  if (!valid) throw StompConfigurationError.invalid(option, `${TRUST_PROXY_EXPECTED}, got ${JSON.stringify(value)}`);
  try {
    return compileTrustProxy(value as TrustProxy);
  } catch (error) {
    throw StompConfigurationError.invalid(option, `${(error as Error).message}; ${TRUST_PROXY_EXPECTED}`);
  }
};

const RETENTION_EXPECTED = "rules like [{ destinations: '/topic/chat.*' | ['/topic/rooms/**'], maxMessages?, maxAge?, maxBytes? }]";

const RETENTION_RULE = {
  destinations: (value: unknown, option: string): readonly string[] => {
    const list = typeof value === 'string' ? [value] : value;
    if (!Array.isArray(list) || list.length === 0 || !list.every((item) => typeof item === 'string' && item.length > 0)) {
      throw StompConfigurationError.invalid(option, `expected a destination or pattern, or a non-empty list of them, got ${JSON.stringify(value)}`);
    }
    return list as string[];
  },
  maxMessages: positiveInteger,
  maxAge: positiveInteger,
  maxBytes: positiveInteger,
};

const retentionRule: Check<RetentionSettings> = (value, option) => {
  if (!isObject(value) || !('destinations' in value)) throw StompConfigurationError.invalid(option, `expected ${RETENTION_EXPECTED}`);
  return resolveTable(RETENTION_RULE, value, STOMP_DEFAULTS.retentionRule, option);
};

/** Each rule named by its place (`retention[1].maxAge`), so a mistake in a long list is found at once. */
const retention: Check<RetentionSettings[]> = (value, option) => {
  if (!Array.isArray(value)) throw StompConfigurationError.invalid(option, `expected ${RETENTION_EXPECTED}, got ${JSON.stringify(value)}`);
  return value.map((rule, i) => retentionRule(rule, `${option}[${i}]`));
};

const USER_REGISTRY_BROADCAST = { interval: timer(positiveInteger), maxBytesPerSecond: positiveInteger };

const userRegistryBroadcast: Check<ValuesOf<typeof USER_REGISTRY_BROADCAST>> = (value, option) => {
  if (!isObject(value)) throw StompConfigurationError.invalid(option, 'expected { interval, maxBytesPerSecond }');
  return resolveTable(USER_REGISTRY_BROADCAST, value, STOMP_DEFAULTS.userRegistryBroadcast, option);
};

function isRule(rule: unknown): boolean {
  return (
    isObject(rule) &&
    typeof rule.destination === 'string' &&
    (typeof rule.allow === 'function' || ['everyone', 'authenticated', 'nobody'].includes(rule.allow as string))
  );
}

/** Every module option and its check; the defaults are STOMP_DEFAULTS. */
const MODULE_OPTIONS = {
  endpoint: resolveEndpoints,
  appPrefixes: prefixList,
  brokerPrefixes: prefixList,
  defaultDestinationPrefix: destinationPrefix,
  userDestinationPrefix: prefix,
  errorDestination,
  unmappedDestinations: oneOf('report', 'error'),
  broker: resolveBroker,
  authenticate,
  interceptors,
  pathSeparator: oneOf('/', '.'),
  heartbeat: heartbeatPair,
  heartbeatGraceFactor: positiveNumber,
  maxFrameSize: positiveInteger,
  maxHeaders: positiveInteger,
  maxHeaderLineLength: positiveInteger,
  connectTimeout: timer(positiveInteger),
  maxSubscriptionsPerSession: positiveInteger,
  maxPatternSubscriptionsPerSession: positiveInteger,
  maxPatternSubscriptions: positiveInteger,
  queuePrefixes: prefixList,
  maxQueuedMessages: positiveInteger,
  maxQueuedBytes: positiveInteger,
  queueOverflow: oneOf('drop-head', 'reject-publish'),
  prefetchCount: positiveInteger,
  maxPrefetchCount: positiveInteger,
  maxFramesPerSecond: positiveInteger,
  maxConnections: positiveInteger,
  maxConnectionsPerAddress: limitOrOff,
  trustProxy,
  sendBufferSizeLimit: positiveInteger,
  sendTimeLimit: positiveInteger,
  pingInterval: timer(wholeMilliseconds),
  maxTransactionsPerSession: positiveInteger,
  maxFramesPerTransaction: positiveInteger,
  maxUnconfirmedSends: positiveInteger,
  // Its default follows maxFrameSize: see derivedLimits.
  maxTransactionBytes: optional(positiveInteger),
  incompleteFrameTimeout: timer(positiveInteger),
  minFrameDataRate: positiveInteger,
  authorization,
  userRegistryBroadcast,
  logLevels: listOf(oneOf(...ALL_LOG_LEVELS), "a list of log levels, e.g. ['error', 'warn', 'log']"),
  asyncApi: resolveAsyncApi,
  metrics,
  statsLogInterval: timer(wholeMilliseconds),
  retention,
  maxHistoryBytes: positiveInteger,
} satisfies { readonly [K in keyof Required<StompModuleOptions>]: Check<unknown> };

type ModuleOptionValues = ValuesOf<typeof MODULE_OPTIONS>;

type DerivedLimits = { readonly [K in keyof typeof MAX_FRAME_SIZE_MULTIPLES]: number };

/** Applies defaults and rejects options that cannot work, with a message naming the option. */
export function resolveStompOptions(options: StompModuleOptions): ResolvedStompOptions {
  if (!isObject(options)) return resolveStompOptions({} as StompModuleOptions);
  const values = resolveTable(MODULE_OPTIONS, options, STOMP_DEFAULTS);
  checkPrefixes(values);
  checkQueues(values, options.queuePrefixes !== undefined);
  const { endpoint, interceptors, maxTransactionBytes, ...rest } = values;
  const derived = derivedLimits(values.maxFrameSize);
  return {
    ...rest,
    endpoints: endpoint,
    // Authorization sees frames last, as the application's own interceptors left them.
    interceptors: values.authorization ? [...interceptors, destinationAuthorization(values.authorization, values.pathSeparator)] : interceptors,
    ...derived,
    maxTransactionBytes: maxTransactionBytes ?? derived.maxTransactionBytes,
  };
}

/** The limits that follow from `maxFrameSize`, computed here once, each under its name. */
export function derivedLimits(maxFrameSize: number): DerivedLimits {
  const entries = Object.entries(MAX_FRAME_SIZE_MULTIPLES).map(([name, multiple]) => [name, multiple * maxFrameSize]);
  return Object.fromEntries(entries) as DerivedLimits;
}

/**
 * Queue prefixes given are broker destinations (the default one may stand outside them: an
 * application without `/queue` simply has no queues); the default prefetch is one a SUBSCRIBE could ask for.
 */
function checkQueues({ queuePrefixes, brokerPrefixes, prefetchCount, maxPrefetchCount }: ModuleOptionValues, given: boolean): void {
  const outside = given ? queuePrefixes.find((queue) => !brokerPrefixes.some((b) => queue.startsWith(b))) : undefined;
  if (outside !== undefined) {
    throw StompConfigurationError.invalid('queuePrefixes', `'${outside.slice(0, -1)}' is not under a broker prefix (${brokerPrefixes.join(', ')})`);
  }
  if (prefetchCount > maxPrefetchCount) {
    throw StompConfigurationError.invalid('prefetchCount', `${prefetchCount} is more than maxPrefetchCount (${maxPrefetchCount})`);
  }
}

/** Application, broker and user prefixes must not overlap; the error destination is a broker one. */
function checkPrefixes({ appPrefixes, brokerPrefixes, userDestinationPrefix, errorDestination }: ModuleOptionValues): void {
  for (const app of appPrefixes) {
    if (brokerPrefixes.some((b) => b.startsWith(app) || app.startsWith(b))) {
      throw StompConfigurationError.invalid('appPrefixes', `'${app}' overlaps a broker prefix (${brokerPrefixes.join(', ')})`);
    }
  }
  for (const other of [...appPrefixes, ...brokerPrefixes]) {
    if (other.startsWith(userDestinationPrefix) || userDestinationPrefix.startsWith(other)) {
      throw StompConfigurationError.invalid('userDestinationPrefix', `'${userDestinationPrefix}' overlaps the prefix '${other}'`);
    }
  }
  if (errorDestination !== false && !brokerPrefixes.some((p) => errorDestination.startsWith(p))) {
    throw StompConfigurationError.invalid(
      'errorDestination',
      `'${errorDestination}' is not under a broker prefix (${brokerPrefixes.join(', ')}); use e.g. '/queue/errors', or false`,
    );
  }
}
