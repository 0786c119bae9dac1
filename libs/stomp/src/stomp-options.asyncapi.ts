import type { ResolvedAsyncApiOptions, StompAsyncApiOptions } from './asyncapi/asyncapi.options.js';
import { StompConfigurationError } from './errors/stomp-configuration.error.js';
import type { StompPublication } from './handlers/handler-metadata.js';
import { isObject, nonEmptyText, optional, rejectUnknownKeys, resolveTable, text, type Check } from './stomp-options.checks.js';
import { STOMP_DEFAULTS } from './stomp.options.js';

type AsyncApiInfo = ResolvedAsyncApiOptions['info'];

/** An HTTP path of its own: starts with '/', no query, fragment or space; a trailing '/' dropped. */
const httpPath: Check<string> = (value, option) => {
  if (typeof value !== 'string' || !value.startsWith('/') || /[?#\s]/.test(value)) {
    throw StompConfigurationError.invalid(option, `expected a path starting with '/', got ${JSON.stringify(value)}`);
  }
  return value.length > 1 && value.endsWith('/') ? value.slice(0, -1) : value;
};

const uiPath: Check<string | false> = (value, option) => (value === false ? false : httpPath(value, option));

const INFO_KEYS = ['title', 'version', 'description'] as const satisfies readonly (keyof NonNullable<StompAsyncApiOptions['info']>)[];

const info: Check<AsyncApiInfo> = (value, option) => {
  if (!isObject(value)) throw StompConfigurationError.invalid(option, "expected { title?, version?, description? }, e.g. { title: 'Chat', version: '1.0.0' }");
  rejectUnknownKeys(value, INFO_KEYS, option);
  const defaults = STOMP_DEFAULTS.asyncApiDocument.info;
  return {
    title: nonEmptyText(value.title ?? defaults.title, `${option}.title`),
    version: nonEmptyText(value.version ?? defaults.version, `${option}.version`),
    description: optional(text)(value.description, `${option}.description`),
  };
};

const PUBLICATION_KEYS = ['destination', 'type', 'schema', 'name', 'description', 'examples', 'contentType'] as const satisfies readonly (keyof StompPublication)[];

const publishes: Check<readonly StompPublication[]> = (value, option) => {
  if (!Array.isArray(value)) throw StompConfigurationError.invalid(option, `expected a list of { destination: '/topic/x', type?, schema?, description? }, got ${JSON.stringify(value)}`);
  value.forEach((publication: unknown, index: number) => {
    const where = `${option}[${index}]`;
    if (!isObject(publication)) throw StompConfigurationError.invalid(where, "expected { destination: '/topic/x', type?, schema?, description? }");
    rejectUnknownKeys(publication, PUBLICATION_KEYS, where);
    if (typeof publication.destination !== 'string' || !publication.destination.startsWith('/')) {
      throw StompConfigurationError.invalid(`${where}.destination`, `expected a destination starting with '/', got ${JSON.stringify(publication.destination)}`);
    }
  });
  return value as StompPublication[];
};

/** The settings of `asyncApi` when it is on; `host` has no default (the request's `Host`). */
const ASYNCAPI_OPTIONS = {
  path: httpPath,
  uiPath,
  info,
  host: optional(nonEmptyText),
  publishes,
} satisfies { readonly [K in keyof Required<StompAsyncApiOptions>]: Check<unknown> };

/**
 * The `asyncApi` option: `undefined` or `false` leaves the document unserved (`createAsyncApiDocument`
 * still builds it, with the defaults); `true` serves it with the defaults.
 */
export const resolveAsyncApi: Check<ResolvedAsyncApiOptions> = (value, option) => {
  const serve = value !== undefined && value !== false;
  if (serve && value !== true && !isObject(value)) {
    throw StompConfigurationError.invalid(option, `expected true or { path?, uiPath?, info?, host?, publishes? }, got ${JSON.stringify(value)}`);
  }
  const given = isObject(value) ? value : {};
  const resolved = resolveTable(ASYNCAPI_OPTIONS, given, STOMP_DEFAULTS.asyncApiDocument, option);
  if (resolved.uiPath === resolved.path) throw StompConfigurationError.invalid(`${option}.uiPath`, `'${resolved.uiPath}' is also the document's path`);
  return { serve, ...resolved };
};
