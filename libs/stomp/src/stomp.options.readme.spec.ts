import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolveStompOptions } from './stomp-options.resolver.js';
import { MAX_FRAME_SIZE_MULTIPLES, STOMP_DEFAULTS, type StompModuleOptions } from './stomp.options.js';

/** README.md's Options section: the table users read, checked against the one source of defaults. */
const README = readFileSync(fileURLToPath(new URL('../../../README.md', import.meta.url)), 'utf8');
const OPTIONS_SECTION = README.slice(README.indexOf('## Options\n'), README.indexOf('\n## ', README.indexOf('## Options\n') + 1));

/** `| first | second | ... |` rows of the section's tables, as cells. */
function rows(): string[][] {
  return OPTIONS_SECTION.split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) => line.split(' | ').map((cell) => cell.replace(/^\| /, '')));
}

/** The backticked JavaScript literals of a cell (`'guest'` / `'guest'` → ['guest', 'guest']). */
function literals(cell: string): unknown[] {
  return [...cell.matchAll(/`([^`]+)`/g)].map(([, code]) => new Function(`return (${code});`)() as unknown);
}

/** Where a documented option's default lives in STOMP_DEFAULTS: `broker.url` (redis) → redis.url. */
function defaultsPath(name: string, kind: string | undefined): string[] {
  if (name.startsWith('endpoint.sockJs.')) return ['sockJs', name.slice('endpoint.sockJs.'.length)];
  if (name.startsWith('endpoint.')) return ['eachEndpoint', name.slice('endpoint.'.length)];
  if (name.startsWith('broker.') && kind) return [kind, name.slice('broker.'.length)];
  if (name.startsWith('asyncApi.')) return ['asyncApiDocument', name.slice('asyncApi.'.length)];
  if (name.startsWith('retention.')) return ['retentionRule', name.slice('retention.'.length)];
  return [name];
}

/** One documented option: its full name, broker kind if any, and its default cell. */
interface Documented {
  readonly name: string;
  readonly kind: string | undefined;
  readonly defaults: unknown[] | undefined;
}

/** The rows as options; a row `broker.reconnectDelay` / `maxReconnectDelay` is two, sharing the prefix. */
function documented(): Documented[] {
  return rows().flatMap(([names, defaults]) => {
    const kind = /\((relay|redis|jetstream|kafka)\)/.exec(names!)?.[1];
    const [first, ...others] = [...names!.matchAll(/`([\w.]+)`/g)].map(([, name]) => name!);
    const prefix = first!.slice(0, first!.lastIndexOf('.') + 1);
    // Defaults written in words ("none", "(required)") or not as JavaScript (`{path}/sockjs.min.js`) are not compared.
    const literal = defaults!.startsWith('`') && first !== 'endpoint.sockJs.clientLibraryUrl';
    const values = literal ? literals(defaults!) : undefined;
    return [first!, ...others.map((name) => prefix + name)].map((name, i) => ({ name, kind, defaults: values && [values[i]] }));
  });
}

/** Every documented option with a literal default: [path in STOMP_DEFAULTS, documented value]. */
function documentedDefaults(): [string[], unknown][] {
  return documented()
    .filter((option) => option.defaults !== undefined)
    .map(({ name, kind, defaults }) => [defaultsPath(name, kind), defaults![0]]);
}

function at(path: readonly string[]): unknown {
  return path.reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], STOMP_DEFAULTS);
}

/** Every leaf setting of STOMP_DEFAULTS (`maxFrameSize`, `relay.addresses`, `sockJs.responseLimit`). */
function defaultPaths(): string[] {
  const nested = new Set(['sockJs', 'relay', 'redis', 'jetstream', 'kafka', 'eachEndpoint', 'asyncApiDocument', 'retentionRule']);
  return Object.entries(STOMP_DEFAULTS).flatMap(([key, value]) => (nested.has(key) ? Object.keys(value).map((sub) => `${key}.${sub}`) : [key]));
}

describe("README.md's Options section", () => {
  it('gives each option the default STOMP_DEFAULTS has', () => {
    const documented = documentedDefaults();
    expect(documented.length).toBeGreaterThan(40);
    for (const [path, value] of documented) {
      expect({ option: path.join('.'), default: value }).toEqual({ option: path.join('.'), default: at(path) });
    }
  });

  it('lists every option of STOMP_DEFAULTS', () => {
    const documented = new Set(documentedDefaults().map(([path]) => path.join('.')));
    expect(defaultPaths().filter((path) => !documented.has(path))).toEqual([]);
  });

  it('has a row for every option the resolver knows, those without a default included', () => {
    const refusal = (options: object) => {
      try {
        resolveStompOptions(options as StompModuleOptions);
      } catch (error) {
        // Without a known key near it, the refusal lists them all.
        return [...(error as Error).message.split('the known ones are ')[1]!.matchAll(/'(\w+)'/g)].map(([, key]) => key!);
      }
      throw new Error('accepted');
    };
    const far = 'zzzzzzzzzzzzzzzzzzzz';
    const names = [
      ...refusal({ endpoint: '/ws', [far]: 1 }),
      ...refusal({ endpoint: { path: '/ws', [far]: 1 } }).map((key) => `endpoint.${key}`),
      ...refusal({ endpoint: { path: '/ws', sockJs: { [far]: 1 } } }).map((key) => `endpoint.sockJs.${key}`),
      ...refusal({ endpoint: '/ws', broker: { kind: 'relay', [far]: 1 } }).map((key) => `broker.${key} (relay)`),
      ...refusal({ endpoint: '/ws', broker: { kind: 'redis', [far]: 1 } }).map((key) => `broker.${key} (redis)`),
      ...refusal({ endpoint: '/ws', broker: { kind: 'jetstream', [far]: 1 } }).map((key) => `broker.${key} (jetstream)`),
      ...refusal({ endpoint: '/ws', broker: { kind: 'kafka', [far]: 1 } }).map((key) => `broker.${key} (kafka)`),
      ...refusal({ endpoint: '/ws', asyncApi: { [far]: 1 } }).map((key) => `asyncApi.${key}`),
    ].filter((name) => !name.startsWith('broker.kind'));
    const rowNames = new Set(documented().map(({ name, kind }) => (kind ? `${name} (${kind})` : name)));
    expect(names.length).toBeGreaterThan(40);
    expect(names.filter((name) => !rowNames.has(name))).toEqual([]);
  });

  it('gives each limit derived from maxFrameSize its multiple', () => {
    for (const [name, multiple] of Object.entries(MAX_FRAME_SIZE_MULTIPLES)) {
      expect(OPTIONS_SECTION).toContain(`| \`${name}\` | ${multiple} × \`maxFrameSize\``);
    }
  });
});
