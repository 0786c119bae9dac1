import type { ClientDocument, DocumentChannel, DocumentDestinations, DocumentMessage } from './client-document.js';
import { camelCase, wordsOf } from './typescript-text.js';

/**
 * What a client does with a destination: `send` to a `@MessageMapping`, `get` the reply of a
 * `@SubscribeMapping`, `subscribe` to what the server sends (broker and user destinations).
 */
export type Verb = 'send' | 'get' | 'subscribe';

export const VERBS: readonly Verb[] = ['send', 'get', 'subscribe'];

export interface Endpoint {
  readonly verb: Verb;
  readonly channel: DocumentChannel;
  /** What is sent (`send`) or what arrives (`get`, `subscribe`). */
  readonly messages: readonly DocumentMessage[];
  readonly summaries: readonly string[];
  /** The property of the API object the endpoint's method is on. */
  readonly name: string;
}

/** `{roomId}` in a channel address. */
export const VARIABLE = /\{([^}]+)\}/g;

/**
 * The endpoints of a document, sorted by address then verb, each named after its destination
 * without the prefixes that say whose it is: `/app/chat.send` → `chatSend`, `/topic/room.{roomId}`
 * → `room`, `/user/queue/private` → `private`. A send and a subscribe of one name share it
 * (`room.send(...)`, `room.subscribe(...)`); two endpoints that would share a name and a verb both
 * take their whole address as name instead (`topicNews`, `queueNews`), then a number if needed.
 */
export function endpointsOf(document: ClientDocument): Endpoint[] {
  const found = new Map<string, Omit<Endpoint, 'name'> & { messages: DocumentMessage[]; summaries: string[] }>();
  const add = (verb: Verb, channel: DocumentChannel, messages: readonly DocumentMessage[], summary: string | undefined) => {
    const key = `${channel.id}\u0000${verb}`;
    const endpoint = found.get(key) ?? { verb, channel, messages: [], summaries: [] };
    found.set(key, endpoint);
    for (const message of messages) if (!endpoint.messages.some((known) => known.pointer === message.pointer)) endpoint.messages.push(message);
    if (summary && !endpoint.summaries.includes(summary)) endpoint.summaries.push(summary);
  };
  for (const operation of document.operations) {
    if (operation.action === 'send') {
      add('subscribe', operation.channel, operation.messages, operation.summary);
      continue;
    }
    const repliesHere = operation.reply?.channel.id === operation.channel.id;
    const frame = operation.frame ?? (repliesHere ? 'SUBSCRIBE' : 'SEND');
    if (frame === 'SEND') add('send', operation.channel, operation.messages, operation.summary);
    // A @SubscribeMapping whose reply goes elsewhere (@SendTo) gives the subscriber nothing to wait for.
    else if (repliesHere) add('get', operation.channel, operation.reply!.messages, operation.summary);
  }
  const endpoints = [...found.values()].sort((a, b) => compare(a.channel.address, b.channel.address) || VERBS.indexOf(a.verb) - VERBS.indexOf(b.verb));
  return nameEndpoints(endpoints, document.destinations);
}

function nameEndpoints(endpoints: readonly Omit<Endpoint, 'name'>[], destinations: DocumentDestinations): Endpoint[] {
  const short = endpoints.map((endpoint) => nameOf(shortAddress(endpoint, destinations)));
  const count = new Map<string, number>();
  endpoints.forEach((endpoint, index) => count.set(`${short[index]} ${endpoint.verb}`, (count.get(`${short[index]} ${endpoint.verb}`) ?? 0) + 1));
  const taken = new Set<string>();
  return endpoints.map((endpoint, index) => {
    const preferred = count.get(`${short[index]} ${endpoint.verb}`)! > 1 ? nameOf(endpoint.channel.address) : short[index]!;
    let name = preferred;
    for (let n = 2; taken.has(`${name} ${endpoint.verb}`); n++) name = `${preferred}${n}`;
    taken.add(`${name} ${endpoint.verb}`);
    return { ...endpoint, name };
  });
}

/** The address without its application prefix, or without the user prefix and the broker's first segment. */
function shortAddress(endpoint: Omit<Endpoint, 'name'>, destinations: DocumentDestinations): string {
  const { address } = endpoint.channel;
  if (endpoint.verb !== 'subscribe') {
    const prefix = [...destinations.applicationDestinationPrefixes].sort((a, b) => b.length - a.length).find((candidate) => address.startsWith(candidate));
    if (prefix !== undefined) return address.slice(prefix.length);
  }
  const user = destinations.userDestinationPrefix;
  const rest = address.startsWith(user) ? address.slice(user.length) : address;
  const segments = rest.split('/').filter(Boolean);
  return segments.length > 1 ? segments.slice(1).join('/') : rest;
}

/** `room.{roomId}` → `room`; an address of variables only keeps their names (`{id}` → `id`). */
function nameOf(address: string): string {
  const words = wordsOf(address.replace(VARIABLE, ' '));
  return camelCase(words.length > 0 ? words : wordsOf(address), 'root');
}

/** The variables of an address, in order, as parameter names that are valid and distinct. */
export function variablesOf(address: string): { readonly name: string; readonly parameter: string }[] {
  const taken = new Set(RESERVED);
  return [...address.matchAll(VARIABLE)].map(([, name]) => {
    const base = camelCase(wordsOf(name!), 'value');
    let parameter = taken.has(base) ? `${base}Value` : base;
    for (let n = 2; taken.has(parameter); n++) parameter = `${base}Value${n}`;
    taken.add(parameter);
    return { name: name!, parameter };
  });
}

/** An address with Ant wildcards: its methods take the concrete destination instead of variables. */
export function isPattern(address: string): boolean {
  return /[*?]/.test(address);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Names a parameter may not take: the generated methods' own, the helpers they call, and JavaScript's reserved words. */
const RESERVED = [
  'payload',
  'onMessage',
  'headers',
  'options',
  'destination',
  'client',
  'publish',
  'subscribe',
  'request',
  'decode',
  'timers',
  ...'break case catch class const continue debugger default delete do else enum export extends false finally for function if import in instanceof new null return super switch this throw true try typeof var void while with yield let static implements interface package private protected public await arguments eval'.split(
    ' ',
  ),
];
