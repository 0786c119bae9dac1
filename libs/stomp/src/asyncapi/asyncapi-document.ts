import type { JsonSchema, PayloadSchema } from './payload-schemas.js';

/** The parts of an AsyncAPI 3.0 document this module writes (the specification has more). */
export interface AsyncApiDocument {
  readonly asyncapi: '3.0.0';
  readonly info: { readonly title: string; readonly version: string; readonly description?: string };
  readonly defaultContentType: string;
  readonly servers: Record<string, AsyncApiServer>;
  readonly channels: Record<string, AsyncApiChannel>;
  readonly operations: Record<string, AsyncApiOperation>;
  readonly components: { readonly schemas: Record<string, JsonSchema> };
  /** What a client generator needs beyond the specification: which destinations are whose. */
  readonly 'x-stomp': StompDocumentExtension;
}

/**
 * The document's `x-stomp` extension (AsyncAPI allows `x-` fields on the root object): the
 * prefixes that tell application, user and broker destinations apart in channel addresses.
 */
export interface StompDocumentExtension {
  /** The `appPrefixes` option: SENDs and SUBSCRIBEs under them go to handlers. */
  readonly applicationDestinationPrefixes: readonly string[];
  /** The `userDestinationPrefix` option (`/user/`): a channel under it is a user destination. */
  readonly userDestinationPrefix: string;
  /** The channel address the session's error reports arrive on, if there is one. */
  readonly errorDestination?: string;
}

export interface AsyncApiServer {
  host: string;
  readonly protocol: 'stomp';
  readonly protocolVersion: string;
  readonly pathname: string;
  readonly title: string;
  readonly description: string;
}

export interface AsyncApiMessage {
  readonly name: string;
  readonly title?: string;
  readonly contentType: string;
  readonly summary?: string;
  readonly description?: string;
  readonly payload?: JsonSchema;
  readonly examples?: readonly { readonly payload: unknown }[];
}

export interface AsyncApiChannel {
  readonly address: string;
  description?: string;
  readonly parameters?: Record<string, { readonly description: string }>;
  readonly messages: Record<string, AsyncApiMessage>;
}

export interface Ref {
  readonly $ref: string;
}

export interface AsyncApiOperation {
  readonly action: 'send' | 'receive';
  readonly channel: Ref;
  readonly title?: string;
  readonly summary?: string;
  readonly description?: string;
  readonly messages: readonly Ref[];
  readonly reply?: { readonly channel: Ref; readonly messages: readonly Ref[] };
  /** On a `receive` operation: the frame that reaches the handler (`@MessageMapping` or `@SubscribeMapping`). */
  readonly 'x-stomp-frame'?: 'SEND' | 'SUBSCRIBE';
}

/** A message to place on a channel: its payload and how to name and describe it. */
export interface MessageSpec {
  readonly name: string;
  readonly payload: PayloadSchema;
  readonly title?: string;
  readonly description?: string;
  readonly examples?: readonly unknown[];
}

/** `{name}` or `{name:regex}` in a destination pattern or reply template. */
const VARIABLE = /\{([^}:]+)(?::([^}]*))?\}/g;

/**
 * Collects channels, their messages and operations under ids the specification accepts
 * (`^[A-Za-z0-9_\-]+$`), one channel per address, and hands out the `$ref`s between them.
 */
export class DocumentWriter {
  readonly channels: Record<string, AsyncApiChannel> = {};
  readonly operations: Record<string, AsyncApiOperation> = {};
  private readonly channelIds = new Map<string, string>();

  /** The channel of a destination (pattern or template), created on first use; returns its id. */
  channel(destination: string, description?: string): string {
    const address = destination.replace(VARIABLE, (_, name: string) => `{${name}}`);
    const existing = this.channelIds.get(address);
    if (existing) return existing;
    const id = unique(identifier(address) || 'root', this.channels);
    const parameters: Record<string, { description: string }> = {};
    for (const [, name, regex] of destination.matchAll(VARIABLE)) {
      parameters[name!] = { description: regex ? `Destination variable '${name}', matching /${regex}/.` : `Destination variable '${name}': one segment.` };
    }
    const wildcards = /\*|\?/.test(address) ? ' A pattern: `*` is any characters within a segment, `**` any segments, `?` one character.' : '';
    const text = `${description ?? ''}${wildcards}`.trim();
    this.channels[id] = { address, ...(text ? { description: text } : {}), ...(Object.keys(parameters).length ? { parameters } : {}), messages: {} };
    this.channelIds.set(address, id);
    return id;
  }

  /** Adds a message to a channel (once per name); returns the `$ref` an operation uses. */
  message(channelId: string, spec: MessageSpec): Ref {
    const messages = this.channels[channelId]!.messages;
    const key = identifier(spec.name) || 'message';
    messages[key] ??= {
      name: key,
      ...(spec.title ? { title: spec.title } : {}),
      contentType: spec.payload.contentType,
      ...(spec.description ? { description: spec.description } : {}),
      ...(spec.payload.schema ? { payload: spec.payload.schema } : {}),
      ...(spec.examples?.length ? { examples: spec.examples.map((payload) => ({ payload })) } : {}),
    };
    return { $ref: `#/channels/${channelId}/messages/${key}` };
  }

  /** Adds an operation under a unique id made from `name`; returns the id. */
  operation(name: string, operation: AsyncApiOperation): string {
    const id = unique(identifier(name) || 'operation', this.operations);
    this.operations[id] = operation;
    return id;
  }
}

export function channelRef(channelId: string): Ref {
  return { $ref: `#/channels/${channelId}` };
}

/** `/app/room.{roomId}` → `app_room_roomId`: the characters ids may hold. */
export function identifier(text: string): string {
  return text
    .replace(VARIABLE, (_, name: string) => name)
    .replace(/[^A-Za-z0-9_-]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

function unique(id: string, taken: Record<string, unknown>): string {
  if (!(id in taken)) return id;
  let n = 2;
  while (`${id}_${n}` in taken) n++;
  return `${id}_${n}`;
}
