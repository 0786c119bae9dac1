import { ClientDocument, type DocumentMessage } from './client-document.js';
import { endpointsOf, type Endpoint } from './client-endpoints.js';
import { GENERATED_NAMES, writeClientSource, type Codec, type TypeDeclaration, type TypedEndpoint } from './client-source.js';
import { SchemaTypes } from './schema-types.js';
import { pascalCase, union } from './typescript-text.js';

/**
 * The TypeScript source of a typed client over `@stomp/stompjs` for an AsyncAPI 3 document (as
 * nest-stomp writes it: parsed JSON). A pure function: the same document gives the same text,
 * byte for byte. Throws `StompClientGenerationError` (`STOMP_ERR_INVALID_DOCUMENT`) for a document
 * it cannot read, naming where.
 */
export function generateStompClient(document: unknown): string {
  const source = new ClientDocument(document);
  const declarations = new TypeDeclarations();
  const componentNames = new Map<string, string>();
  const components = [...source.schemas].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [key] of components) componentNames.set(key, declarations.claim(pascalCase(key, 'Schema')));
  const types = new SchemaTypes(source, componentNames);
  for (const [key, schema] of components) {
    declarations.define(componentNames.get(key)!, types.typeOf(schema, '', `$.components.schemas.${key}`), descriptionOf(schema));
  }
  const messageTypes = new Map<string, string>();
  const typeOfMessage = (message: DocumentMessage): string => {
    let type = messageTypes.get(message.pointer);
    if (type === undefined) {
      type = messageType(message, source, types, declarations);
      messageTypes.set(message.pointer, type);
    }
    return type;
  };
  const endpoints = endpointsOf(source).map((endpoint) => typed(endpoint, typeOfMessage));
  return writeClientSource({
    title: source.title,
    version: source.version,
    declarations: declarations.sorted(),
    endpoints,
    errorDestination: source.destinations.errorDestination,
  });
}

function typed(endpoint: Endpoint, typeOfMessage: (message: DocumentMessage) => string): TypedEndpoint {
  const first = endpoint.messages[0];
  // An operation listing no message says nothing of the payload.
  const type = endpoint.messages.length === 0 ? 'unknown' : union(endpoint.messages.map(typeOfMessage));
  return {
    endpoint,
    type,
    codec: first ? codecOf(first.contentType) : 'json',
    contentType: first?.contentType ?? 'application/json',
  };
}

/**
 * A message's payload type: bytes for a binary content type, `string` for text, else its schema's
 * type under the message's name (a component of that name is used as is).
 */
function messageType(message: DocumentMessage, source: ClientDocument, types: SchemaTypes, declarations: TypeDeclarations): string {
  const codec = codecOf(message.contentType);
  if (codec === 'binary') return 'Uint8Array';
  if (codec === 'text') return 'string';
  if (message.payload === undefined) return 'unknown';
  const name = pascalCase(message.name, 'Payload');
  const payload = message.payload as { $ref?: unknown };
  const component = typeof payload?.$ref === 'string' ? source.componentOf(payload.$ref) : undefined;
  const type = types.typeOf(message.payload, '', message.pointer);
  if (component !== undefined && type === name) return type;
  return declarations.declare(name, type, message.description ?? descriptionOf(message.payload));
}

function codecOf(contentType: string): Codec {
  const type = contentType.split(';', 1)[0]!.trim().toLowerCase();
  if (type === 'application/json' || type.endsWith('+json')) return 'json';
  return type.startsWith('text/') ? 'text' : 'binary';
}

function descriptionOf(schema: unknown): string | undefined {
  const description = schema && typeof schema === 'object' ? (schema as { description?: unknown }).description : undefined;
  return typeof description === 'string' ? description : undefined;
}

/**
 * The named types of the module, one name each: a second type wanting a taken name gets a number
 * (`RoomList2`), unless it is the same type, which then shares the name.
 */
class TypeDeclarations {
  private readonly types = new Map<string, { type: string; description: string | undefined } | null>(GENERATED_NAMES.map((name) => [name, null]));

  /** Reserves a free name based on `base` for a type defined later. */
  claim(base: string): string {
    let name = base;
    for (let n = 2; this.types.has(name); n++) name = `${base}${n}`;
    this.types.set(name, { type: '', description: undefined });
    return name;
  }

  define(name: string, type: string, description: string | undefined): void {
    this.types.set(name, { type, description });
  }

  declare(base: string, type: string, description: string | undefined): string {
    for (let n = 1; ; n++) {
      const name = n === 1 ? base : `${base}${n}`;
      const existing = this.types.get(name);
      if (existing === undefined) {
        this.types.set(name, { type, description });
        return name;
      }
      if (existing !== null && existing.type === type) return name;
    }
  }

  sorted(): TypeDeclaration[] {
    return [...this.types]
      .filter((entry): entry is [string, { type: string; description: string | undefined }] => entry[1] !== null)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, { type, description }]) => ({ name, type, description }));
  }
}
