import { StompClientGenerationError } from '../errors/stomp-client-generation.error.js';

/** A message of a channel, as the generator reads it. */
export interface DocumentMessage {
  /** `#/channels/{channel}/messages/{key}`-style pointer: identifies the message. */
  readonly pointer: string;
  readonly name: string;
  readonly contentType: string;
  /** `undefined`: the document says nothing of the payload. */
  readonly payload: unknown;
  readonly description: string | undefined;
}

export interface DocumentChannel {
  readonly id: string;
  readonly address: string;
  readonly description: string | undefined;
}

export interface DocumentOperation {
  readonly id: string;
  readonly action: 'send' | 'receive';
  readonly channel: DocumentChannel;
  readonly messages: readonly DocumentMessage[];
  readonly summary: string | undefined;
  readonly frame: 'SEND' | 'SUBSCRIBE' | undefined;
  readonly reply: { readonly channel: DocumentChannel; readonly messages: readonly DocumentMessage[] } | undefined;
}

/** The `x-stomp` extension nest-stomp writes; documents of other servers have defaults. */
export interface DocumentDestinations {
  readonly applicationDestinationPrefixes: readonly string[];
  readonly userDestinationPrefix: string;
  readonly errorDestination: string | undefined;
}

type Json = Record<string, unknown>;

const SCHEMA_PREFIX = '#/components/schemas/';

/**
 * An AsyncAPI 3 document checked for what a client needs (channels with addresses, operations
 * with their channel and messages) with its local `$ref`s resolved; anything else is left alone.
 * Problems name the JSON path where they are.
 */
export class ClientDocument {
  readonly title: string;
  readonly version: string;
  readonly operations: readonly DocumentOperation[];
  readonly destinations: DocumentDestinations;
  /** `components.schemas`, in the document's order. */
  readonly schemas: ReadonlyArray<readonly [string, unknown]>;
  private readonly defaultContentType: string;
  private readonly channels = new Map<string, DocumentChannel>();

  constructor(private readonly root: unknown) {
    const document = object(root, '$', 'the document is not a JSON object');
    const version = document.asyncapi;
    if (typeof version !== 'string' || !version.startsWith('3.')) {
      throw StompClientGenerationError.invalid('$.asyncapi', `expected an AsyncAPI 3.x document, found ${version === undefined ? 'no asyncapi field' : JSON.stringify(version)}`);
    }
    const info = object(document.info ?? {}, '$.info', 'not an object');
    this.title = typeof info.title === 'string' ? info.title : 'STOMP API';
    this.version = typeof info.version === 'string' ? info.version : '';
    this.defaultContentType = typeof document.defaultContentType === 'string' ? document.defaultContentType : 'application/json';
    const channels = object(document.channels ?? {}, '$.channels', 'not an object');
    for (const [id, value] of Object.entries(channels)) this.channels.set(id, this.readChannel(id, value));
    const operations = object(document.operations ?? {}, '$.operations', 'not an object');
    this.operations = Object.entries(operations).map(([id, value]) => this.readOperation(id, value));
    const components = object(document.components ?? {}, '$.components', 'not an object');
    this.schemas = Object.entries(object(components.schemas ?? {}, '$.components.schemas', 'not an object'));
    this.destinations = readDestinations(document['x-stomp']);
  }

  /** The component name a schema `$ref` points at, if it points into `components.schemas`. */
  componentOf(ref: string): string | undefined {
    if (!ref.startsWith(SCHEMA_PREFIX)) return undefined;
    const name = decodePointerToken(ref.slice(SCHEMA_PREFIX.length));
    return this.schemas.some(([key]) => key === name) ? name : undefined;
  }

  /** What a local `$ref` (`#/...`) points at; throws for a reference to another file or to nothing. */
  resolve(ref: string, where: string): unknown {
    if (!ref.startsWith('#')) throw StompClientGenerationError.invalid(where, `the reference '${ref}' is not local (only '#/...' references are followed)`);
    let target: unknown = this.root;
    for (const token of ref.slice(1).split('/').slice(1).map(decodePointerToken)) {
      if (!target || typeof target !== 'object' || !(token in target)) throw StompClientGenerationError.invalid(where, `the reference '${ref}' points at nothing`);
      target = (target as Json)[token];
    }
    return target;
  }

  private readChannel(id: string, value: unknown): DocumentChannel {
    const where = `$.channels.${id}`;
    const channel = object(this.dereference(value, where), where, 'not an object');
    if (typeof channel.address !== 'string' || channel.address === '') {
      throw StompClientGenerationError.invalid(`${where}.address`, 'a channel needs the destination as its address (a null address cannot be sent or subscribed to)');
    }
    return { id, address: channel.address, description: text(channel.description) };
  }

  private readOperation(id: string, value: unknown): DocumentOperation {
    const where = `$.operations.${id}`;
    const operation = object(this.dereference(value, where), where, 'not an object');
    if (operation.action !== 'send' && operation.action !== 'receive') throw StompClientGenerationError.invalid(`${where}.action`, "expected 'send' or 'receive'");
    const channel = this.channelAt(operation.channel, `${where}.channel`);
    const messages = this.messagesOf(operation.messages, channel, `${where}.messages`);
    const frame = operation['x-stomp-frame'];
    let reply: DocumentOperation['reply'];
    if (operation.reply !== undefined) {
      const replyObject = object(this.dereference(operation.reply, `${where}.reply`), `${where}.reply`, 'not an object');
      const replyChannel = replyObject.channel === undefined ? channel : this.channelAt(replyObject.channel, `${where}.reply.channel`);
      reply = { channel: replyChannel, messages: this.messagesOf(replyObject.messages, replyChannel, `${where}.reply.messages`) };
    }
    return {
      id,
      action: operation.action,
      channel,
      messages,
      summary: text(operation.summary) ?? text(operation.description),
      frame: frame === 'SEND' || frame === 'SUBSCRIBE' ? frame : undefined,
      reply,
    };
  }

  private channelAt(ref: unknown, where: string): DocumentChannel {
    const pointer = object(ref, where, 'expected a $ref to a channel').$ref;
    const match = typeof pointer === 'string' ? /^#\/channels\/([^/]+)$/.exec(pointer) : null;
    const channel = match && this.channels.get(decodePointerToken(match[1]!));
    if (!channel) throw StompClientGenerationError.invalid(where, `expected a $ref to one of the channels (#/channels/...), found ${JSON.stringify(pointer)}`);
    return channel;
  }

  /** An operation's messages; none listed means every message of the channel, as the specification says. */
  private messagesOf(refs: unknown, channel: DocumentChannel, where: string): DocumentMessage[] {
    if (refs === undefined) {
      const all = (this.resolve(`#/channels/${encodePointerToken(channel.id)}`, where) as Json).messages;
      return Object.keys(all && typeof all === 'object' ? all : {}).map((key) => this.messageAt(`#/channels/${encodePointerToken(channel.id)}/messages/${encodePointerToken(key)}`, where));
    }
    if (!Array.isArray(refs)) throw StompClientGenerationError.invalid(where, 'expected a list of $refs to messages');
    return refs.map((ref, index) => {
      const pointer = object(ref, `${where}[${index}]`, 'expected a $ref to a message').$ref;
      if (typeof pointer !== 'string') throw StompClientGenerationError.invalid(`${where}[${index}]`, 'expected a $ref to a message');
      return this.messageAt(pointer, `${where}[${index}]`);
    });
  }

  private messageAt(pointer: string, where: string): DocumentMessage {
    const message = object(this.dereference(this.resolve(pointer, where), where), where, `${pointer} is not a message object`);
    const key = decodePointerToken(pointer.slice(pointer.lastIndexOf('/') + 1));
    return {
      pointer,
      name: typeof message.name === 'string' && message.name !== '' ? message.name : key,
      contentType: typeof message.contentType === 'string' ? message.contentType : this.defaultContentType,
      payload: message.payload,
      description: text(message.description),
    };
  }

  /** An object that is itself a `$ref` (a channel, message or operation defined in components). */
  private dereference(value: unknown, where: string): unknown {
    let current = value;
    for (let hops = 0; current && typeof current === 'object' && typeof (current as Json).$ref === 'string'; hops++) {
      if (hops > 32) throw StompClientGenerationError.invalid(where, 'a circle of $refs');
      current = this.resolve((current as Json).$ref as string, where);
    }
    return current;
  }
}

function readDestinations(extension: unknown): DocumentDestinations {
  const value = extension && typeof extension === 'object' ? (extension as Json) : {};
  const prefixes = Array.isArray(value.applicationDestinationPrefixes) ? value.applicationDestinationPrefixes.filter((prefix): prefix is string => typeof prefix === 'string') : [];
  return {
    applicationDestinationPrefixes: prefixes,
    userDestinationPrefix: typeof value.userDestinationPrefix === 'string' ? value.userDestinationPrefix : '/user/',
    errorDestination: typeof value.errorDestination === 'string' ? value.errorDestination : undefined,
  };
}

function object(value: unknown, where: string, problem: string): Json {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw StompClientGenerationError.invalid(where, problem);
  return value as Json;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

function decodePointerToken(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

function encodePointerToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}
