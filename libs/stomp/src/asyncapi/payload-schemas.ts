import type { StompMessageDoc } from '../handlers/handler-metadata.js';
import { BINARY_CONTENT_TYPE, JSON_CONTENT_TYPE, TEXT_CONTENT_TYPE } from '../protocol/content-types.js';
import { loadOptionalPackage, resolveOptionalFile } from '../util/optional-package.js';

export type JsonSchema = Readonly<Record<string, unknown>>;

/** One message's payload as the document shows it. */
export interface PayloadSchema {
  /** `undefined`: nothing is known of it (no type information, `Promise`, `Observable`). */
  readonly schema: JsonSchema | undefined;
  readonly contentType: string;
  /** A name the type gives the message (the class name), if any. */
  readonly typeName: string | undefined;
}

const SCHEMA_PREFIX = '#/components/schemas/';
const SCHEMA_PACKAGE = 'class-validator-jsonschema';

interface ClassValidatorJsonSchema {
  validationMetadatasToSchemas(options?: { refPointerPrefix?: string; classTransformerMetadataStorage?: unknown }): Record<string, JsonSchema>;
}

/** Types whose value TypeScript hides: the document cannot infer what they resolve to. */
const OPAQUE = new Set(['Promise', 'Observable']);

/**
 * Turns payload types into JSON Schemas: classes through `class-validator-jsonschema` (their
 * class-validator decorators become `required`, `maxLength`, `pattern`, ...), collected in
 * `components`, and referenced; JavaScript's own types directly. The library is an optional peer
 * dependency, loaded the first time a class is met.
 */
export class PayloadSchemas {
  /** The schemas of the classes met so far, and of the classes they refer to. */
  readonly components: Record<string, JsonSchema> = {};
  private validatedClasses: Record<string, JsonSchema> | undefined;

  constructor(private readonly loadLibrary: () => ClassValidatorJsonSchema = loadClassValidatorJsonSchema) {}

  /** A documentation decorator wins over the declared type; its schema wins over its type. */
  describe(declared: Function | 'void' | undefined, doc: StompMessageDoc | undefined): PayloadSchema {
    if (doc?.schema) return { schema: doc.schema, contentType: doc.contentType ?? JSON_CONTENT_TYPE, typeName: undefined };
    const described = this.ofType(doc?.type ?? (declared === 'void' ? undefined : declared));
    return doc?.contentType ? { ...described, contentType: doc.contentType } : described;
  }

  ofType(type: Function | readonly [Function] | undefined): PayloadSchema {
    if (Array.isArray(type)) {
      const item = this.ofType(type[0] as Function);
      return { schema: { type: 'array', items: item.schema ?? {} }, contentType: JSON_CONTENT_TYPE, typeName: item.typeName && `${item.typeName}List` };
    }
    const fn = type as Function | undefined;
    if (!fn || OPAQUE.has(fn.name)) return { schema: undefined, contentType: JSON_CONTENT_TYPE, typeName: undefined };
    if (fn === String) return { schema: { type: 'string' }, contentType: TEXT_CONTENT_TYPE, typeName: undefined };
    if (fn === Number) return { schema: { type: 'number' }, contentType: JSON_CONTENT_TYPE, typeName: undefined };
    if (fn === Boolean) return { schema: { type: 'boolean' }, contentType: JSON_CONTENT_TYPE, typeName: undefined };
    if (fn === Array) return { schema: { type: 'array' }, contentType: JSON_CONTENT_TYPE, typeName: undefined };
    if (fn === Object) return { schema: { type: 'object' }, contentType: JSON_CONTENT_TYPE, typeName: undefined };
    if (fn === Buffer || fn === Uint8Array) return { schema: { type: 'string', format: 'binary' }, contentType: BINARY_CONTENT_TYPE, typeName: undefined };
    return { schema: { $ref: `${SCHEMA_PREFIX}${this.addClass(fn)}` }, contentType: JSON_CONTENT_TYPE, typeName: fn.name };
  }

  /** Adds a class's schema (and those it refers to) to the components; returns its name there. */
  private addClass(type: Function): string {
    const name = type.name || 'Anonymous';
    if (this.components[name]) return name;
    const schemas = this.classSchemas();
    const schema = schemas[name] ?? { type: 'object', description: `${name}: no class-validator decorators, so its properties are not known` };
    this.components[name] = schema;
    this.addReferences(schema, schemas);
    return name;
  }

  private addReferences(schema: unknown, schemas: Record<string, JsonSchema>): void {
    if (Array.isArray(schema)) {
      for (const item of schema) this.addReferences(item, schemas);
      return;
    }
    if (!schema || typeof schema !== 'object') return;
    for (const [key, value] of Object.entries(schema)) {
      if (key === '$ref' && typeof value === 'string' && value.startsWith(SCHEMA_PREFIX)) {
        const name = value.slice(SCHEMA_PREFIX.length);
        if (this.components[name]) continue;
        this.components[name] = schemas[name] ?? { type: 'object' };
        this.addReferences(this.components[name], schemas);
      } else this.addReferences(value, schemas);
    }
  }

  /** Every class-validator-decorated class's schema, computed once per document. */
  private classSchemas(): Record<string, JsonSchema> {
    this.validatedClasses ??= this.loadLibrary().validationMetadatasToSchemas({
      refPointerPrefix: SCHEMA_PREFIX,
      classTransformerMetadataStorage: classTransformerStorage(),
    });
    return this.validatedClasses;
  }
}

function loadClassValidatorJsonSchema(): ClassValidatorJsonSchema {
  return loadOptionalPackage<ClassValidatorJsonSchema>(SCHEMA_PACKAGE, "The AsyncAPI document's payload schemas of classes");
}

/** class-transformer's `@Type()`s tell the element class of nested arrays, when it is installed. */
function classTransformerStorage(): unknown {
  if (!resolveOptionalFile('class-transformer/cjs/storage')) return undefined;
  return loadOptionalPackage<{ defaultMetadataStorage: unknown }>('class-transformer/cjs/storage', 'Nested payload classes').defaultMetadataStorage;
}
