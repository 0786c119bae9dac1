import type { BrokerSettings } from './broker/broker.options.js';
import type { MessageBroker } from './broker/message-broker.js';
import type { RedisBrokerSettings } from './broker/redis/redis-broker-settings.js';
import type { StompRedisOptions } from './broker/redis/redis.options.js';
import type { RelaySettings } from './broker/relay/relay-settings.js';
import type { StompBrokerAddress, StompRelayOptions } from './broker/relay/relay.options.js';
import { StompConfigurationError } from './errors/stomp-configuration.error.js';
import type { StompAuthenticator } from './interfaces/stomp-principal.interface.js';
import { destinationAuthorization, type StompAuthorizationOptions, type StompAuthorizationRule } from './session/destination-authorization.js';
import type { StompChannelInterceptor } from './session/stomp-channel-interceptor.js';
import {
  heartbeatPair,
  isObject,
  listOf,
  nonEmptyText,
  oneOf,
  optional,
  positiveInteger,
  positiveNumber,
  rejectUnknownKeys,
  resolveTable,
  text,
  timer,
  wholeMilliseconds,
  type Check,
  type OptionTable,
  type ValuesOf,
} from './stomp-options.checks.js';
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

function isRule(rule: unknown): boolean {
  return (
    isObject(rule) &&
    typeof rule.destination === 'string' &&
    (typeof rule.allow === 'function' || ['everyone', 'authenticated', 'nobody'].includes(rule.allow as string))
  );
}

const brokerAddress: Check<StompBrokerAddress> = (value, option) => {
  if (!isObject(value)) throw StompConfigurationError.invalid(option, `expected { host, port }, got ${JSON.stringify(value)}`);
  rejectUnknownKeys(value, ['host', 'port'], option);
  const host = nonEmptyText(value.host, `${option}.host`);
  if (!Number.isInteger(value.port) || (value.port as number) < 1 || (value.port as number) > 65535) {
    throw StompConfigurationError.invalid(`${option}.port`, `expected a TCP port (1-65535), got ${String(value.port)}`);
  }
  return { host, port: value.port as number };
};

const brokerAddresses: Check<StompBrokerAddress[]> = (value, option) => {
  const addresses = listOf(brokerAddress, "a list of { host, port }, e.g. [{ host: 'rabbitmq', port: 61613 }]")(value, option);
  if (addresses.length === 0) throw StompConfigurationError.invalid(option, 'the list is empty; give at least one address, or leave it out for the default');
  return addresses;
};

const RELAY_OPTIONS = {
  addresses: brokerAddresses,
  clientLogin: text,
  clientPasscode: text,
  systemLogin: text,
  systemPasscode: text,
  virtualHost: optional(nonEmptyText),
  heartbeat: heartbeatPair,
  reconnectDelay: timer(positiveInteger),
  maxReconnectDelay: timer(positiveInteger),
  connectTimeout: timer(positiveInteger),
} satisfies { readonly [K in Exclude<keyof StompRelayOptions, 'kind'>]-?: Check<RelaySettings[K]> };

const REDIS_OPTIONS = {
  url: nonEmptyText,
  channelPrefix: nonEmptyText,
  startTimeout: timer(positiveInteger),
  connectTimeout: timer(positiveInteger),
  commandTimeout: timer(positiveInteger),
  reconnectDelay: timer(positiveInteger),
  maxReconnectDelay: timer(positiveInteger),
} satisfies { readonly [K in Exclude<keyof StompRedisOptions, 'kind'>]-?: Check<RedisBrokerSettings[K]> };

/** Each broker kind: its options (besides `kind`) and where their defaults are. */
const BROKER_KINDS: Record<BrokerSettings['kind'], { readonly table: OptionTable; readonly defaults: object }> = {
  simple: { table: {}, defaults: {} },
  relay: { table: RELAY_OPTIONS, defaults: STOMP_DEFAULTS.relay },
  redis: { table: REDIS_OPTIONS, defaults: STOMP_DEFAULTS.redis },
};

const broker: Check<BrokerSettings | MessageBroker> = (value, option) => {
  if (typeof value !== 'object' || value === null || (!('kind' in value) && typeof (value as { publish?: unknown }).publish !== 'function')) {
    throw StompConfigurationError.invalid(option, "expected { kind: 'simple' | 'relay' | 'redis', ... } or a MessageBroker instance");
  }
  if (!('kind' in value)) return value as MessageBroker;
  const { kind, ...rest } = value as { kind: unknown };
  const known = Object.hasOwn(BROKER_KINDS, String(kind)) ? BROKER_KINDS[kind as BrokerSettings['kind']] : undefined;
  if (!known) throw StompConfigurationError.invalid(option, `unknown kind '${String(kind)}': expected 'simple', 'relay' or 'redis'`);
  rejectUnknownKeys(value, ['kind', ...Object.keys(known.table)], option);
  return { ...resolveTable(known.table, rest, known.defaults, option), kind } as BrokerSettings;
};

/** Every module option and its check; the defaults are STOMP_DEFAULTS. */
const MODULE_OPTIONS = {
  endpoint: resolveEndpoints,
  appPrefixes: prefixList,
  brokerPrefixes: prefixList,
  defaultDestinationPrefix: destinationPrefix,
  userDestinationPrefix: prefix,
  errorDestination,
  broker,
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
  maxFramesPerSecond: positiveInteger,
  maxConnections: positiveInteger,
  maxConnectionsPerAddress: positiveInteger,
  sendBufferSizeLimit: positiveInteger,
  sendTimeLimit: positiveInteger,
  pingInterval: timer(wholeMilliseconds),
  maxTransactionsPerSession: positiveInteger,
  maxFramesPerTransaction: positiveInteger,
  maxUnconfirmedSends: positiveInteger,
  authorization,
} satisfies { readonly [K in keyof Required<StompModuleOptions>]: Check<unknown> };

type ModuleOptionValues = ValuesOf<typeof MODULE_OPTIONS>;

type DerivedLimits = { readonly [K in keyof typeof MAX_FRAME_SIZE_MULTIPLES]: number };

/** Applies defaults and rejects options that cannot work, with a message naming the option. */
export function resolveStompOptions(options: StompModuleOptions): ResolvedStompOptions {
  if (!isObject(options)) return resolveStompOptions({} as StompModuleOptions);
  const values = resolveTable(MODULE_OPTIONS, options, STOMP_DEFAULTS);
  checkPrefixes(values);
  const { endpoint, interceptors, ...rest } = values;
  return {
    ...rest,
    endpoints: endpoint,
    // Authorization sees frames last, as the application's own interceptors left them.
    interceptors: values.authorization ? [...interceptors, destinationAuthorization(values.authorization, values.pathSeparator)] : interceptors,
    ...derivedLimits(values.maxFrameSize),
  };
}

/** The limits that follow from `maxFrameSize`, computed here once, each under its name. */
export function derivedLimits(maxFrameSize: number): DerivedLimits {
  const entries = Object.entries(MAX_FRAME_SIZE_MULTIPLES).map(([name, multiple]) => [name, multiple * maxFrameSize]);
  return Object.fromEntries(entries) as DerivedLimits;
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
