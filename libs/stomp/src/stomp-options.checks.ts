import { StompConfigurationError } from './errors/stomp-configuration.error.js';
import { MAX_TIMER_MS } from './protocol/heart-beat.js';
import { nearestName } from './util/nearest-name.js';

/**
 * Checks one option's value (its default already applied) and returns it as the stages below read
 * it; throws a {@link StompConfigurationError} naming `option` when it cannot work.
 */
export type Check<T> = (value: unknown, option: string) => T;

/** A group of options (the module's, an endpoint's, a broker kind's): each key and its check. */
export type OptionTable = { readonly [key: string]: Check<unknown> };

/** What a table's checks return, by key. */
export type ValuesOf<T extends OptionTable> = { readonly [K in keyof T]: ReturnType<T[K]> };

/**
 * Resolves `given` against `table`: refuses keys the table does not know, then runs each check on
 * the value given, or on `defaults[key]` when none is. `where` prefixes nested option names
 * (`broker` makes `broker.url`).
 */
export function resolveTable<T extends OptionTable>(table: T, given: object, defaults: { readonly [K in keyof T]?: unknown }, where?: string): ValuesOf<T> {
  rejectUnknownKeys(given, Object.keys(table), where);
  const resolved: Record<string, unknown> = {};
  for (const key of Object.keys(table)) {
    const value = (given as Record<string, unknown>)[key];
    resolved[key] = table[key]!(value === undefined ? (defaults as Record<string, unknown>)[key] : value, optionName(key, where));
  }
  return resolved as ValuesOf<T>;
}

/** Refuses the first key of `given` that is not in `known`, suggesting the nearest known one. */
export function rejectUnknownKeys(given: object, known: readonly string[], where?: string): void {
  const unknown = Object.keys(given).find((key) => !known.includes(key));
  if (unknown !== undefined) throw StompConfigurationError.unknown(optionName(unknown, where), nearestName(unknown, known), known);
}

export function optionName(key: string, where: string | undefined): string {
  return where === undefined ? key : `${where}.${key}`;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export const positiveInteger: Check<number> = (value, option) => {
  if (!Number.isInteger(value) || (value as number) <= 0) throw StompConfigurationError.invalid(option, `expected a positive integer, got ${String(value)}`);
  return value as number;
};

export const positiveNumber: Check<number> = (value, option) => {
  if (!(typeof value === 'number' && value > 0)) throw StompConfigurationError.invalid(option, `expected a positive number, got ${String(value)}`);
  return value;
};

/** A limit where `0` or `Infinity` means none: resolved to `Infinity`, so a `>=` comparison never trips. */
export const limitOrOff: Check<number> = (value, option) => {
  if (value === 0 || value === Infinity) return Infinity;
  if (!Number.isInteger(value) || (value as number) < 0) throw StompConfigurationError.invalid(option, `expected a positive integer (0 or Infinity for no limit), got ${String(value)}`);
  return value as number;
};

/** A period where `0` means off. */
export const wholeMilliseconds: Check<number> = (value, option) => {
  if (!Number.isInteger(value) || (value as number) < 0) throw StompConfigurationError.invalid(option, `expected whole milliseconds (0 for off), got ${String(value)}`);
  return value as number;
};

/** Node runs a timer set past MAX_TIMER_MS after 1 ms, which would close every connection at once. */
export function timer(check: Check<number>): Check<number> {
  return (value, option) => {
    const ms = check(value, option);
    if (ms > MAX_TIMER_MS) throw StompConfigurationError.invalid(option, `expected at most ${MAX_TIMER_MS} ms (about 24.8 days), got ${ms}`);
    return ms;
  };
}

/** `[send, receive]` heart-beat intervals in whole ms, `0` for none; a copy, not the caller's array. */
export const heartbeatPair: Check<readonly [number, number]> = (value, option) => {
  if (!Array.isArray(value) || value.length !== 2 || !value.every((v) => Number.isInteger(v) && v >= 0)) {
    throw StompConfigurationError.invalid(option, 'expected [send, receive] in whole milliseconds, e.g. [10000, 10000]');
  }
  return [value[0] as number, value[1] as number];
};

export const flag: Check<boolean> = (value, option) => {
  if (typeof value !== 'boolean') throw StompConfigurationError.invalid(option, `expected true or false, got ${JSON.stringify(value)}`);
  return value;
};

export const text: Check<string> = (value, option) => {
  if (typeof value !== 'string') throw StompConfigurationError.invalid(option, `expected a string, got ${JSON.stringify(value)}`);
  return value;
};

export const nonEmptyText: Check<string> = (value, option) => {
  if (typeof value !== 'string' || value === '') throw StompConfigurationError.invalid(option, `expected a non-empty string, got ${JSON.stringify(value)}`);
  return value;
};

export function oneOf<const T extends string>(...allowed: T[]): Check<T> {
  return (value, option) => {
    if (!allowed.includes(value as T)) {
      throw StompConfigurationError.invalid(option, `expected ${allowed.map((a) => `'${a}'`).join(' or ')}, got '${String(value)}'`);
    }
    return value as T;
  };
}

/** An option with no default: `undefined` stays `undefined`. */
export function optional<T>(check: Check<T>): Check<T | undefined> {
  return (value, option) => (value === undefined ? undefined : check(value, option));
}

export function listOf<T>(check: Check<T>, expected: string): Check<T[]> {
  return (value, option) => {
    if (!Array.isArray(value)) throw StompConfigurationError.invalid(option, `expected ${expected}, got ${JSON.stringify(value)}`);
    return value.map((item) => check(item, option));
  };
}
