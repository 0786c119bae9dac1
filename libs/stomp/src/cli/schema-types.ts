import type { ClientDocument } from './client-document.js';
import { arrayOf, docComment, propertyKey, stringLiteral, union } from './typescript-text.js';

type Json = Record<string, unknown>;

const INDENT = '  ';

/**
 * JSON Schema → TypeScript type text. `$ref`s into `components.schemas` become the names given to
 * the components (so recursive schemas work); other local `$ref`s are inlined. An object type is
 * closed unless the schema says otherwise: `additionalProperties: true` or a schema adds an index
 * signature, absence does not (a typo in a property name stays a compile error).
 */
export class SchemaTypes {
  constructor(
    private readonly document: ClientDocument,
    private readonly componentNames: ReadonlyMap<string, string>,
  ) {}

  /** The type of `schema`, laid out for a line indented by `indent`. */
  typeOf(schema: unknown, indent = '', where = '$', seen: ReadonlySet<string> = new Set()): string {
    if (schema === undefined || schema === true) return 'unknown';
    if (schema === false) return 'never';
    if (!schema || typeof schema !== 'object' || Array.isArray(schema)) return 'unknown';
    const json = schema as Json;
    const base = this.baseType(json, indent, where, seen);
    return json.nullable === true ? union([base, 'null']) : base;
  }

  private baseType(schema: Json, indent: string, where: string, seen: ReadonlySet<string>): string {
    if (typeof schema.$ref === 'string') return this.reference(schema.$ref, indent, where, seen);
    if ('const' in schema) return literal(schema.const);
    if (Array.isArray(schema.enum)) return union(schema.enum.map(literal));
    const alternatives = Array.isArray(schema.oneOf) ? schema.oneOf : Array.isArray(schema.anyOf) ? schema.anyOf : undefined;
    if (alternatives) return union(alternatives.map((item, index) => this.typeOf(item, indent, `${where}.oneOf[${index}]`, seen)));
    if (Array.isArray(schema.allOf)) {
      const parts = [...new Set(schema.allOf.map((item, index) => this.typeOf(item, indent, `${where}.allOf[${index}]`, seen)))];
      return parts.length === 0 ? 'unknown' : parts.map((part) => (part.includes(' | ') ? `(${part})` : part)).join(' & ');
    }
    const types = Array.isArray(schema.type) ? schema.type : schema.type === undefined ? [implicitType(schema)] : [schema.type];
    return union(types.map((type) => this.ofType(type, schema, indent, where, seen)));
  }

  private ofType(type: unknown, schema: Json, indent: string, where: string, seen: ReadonlySet<string>): string {
    switch (type) {
      case 'string':
        return 'string';
      case 'number':
      case 'integer':
        return 'number';
      case 'boolean':
        return 'boolean';
      case 'null':
        return 'null';
      case 'array':
        return this.arrayType(schema, indent, where, seen);
      case 'object':
        return this.objectType(schema, indent, where, seen);
      default:
        return 'unknown';
    }
  }

  private reference(ref: string, indent: string, where: string, seen: ReadonlySet<string>): string {
    const component = this.document.componentOf(ref);
    if (component !== undefined) return this.componentNames.get(component)!;
    // A local reference outside the components: inlined, once per path (a circle becomes unknown).
    if (seen.has(ref)) return 'unknown';
    return this.typeOf(this.document.resolve(ref, where), indent, where, new Set([...seen, ref]));
  }

  private arrayType(schema: Json, indent: string, where: string, seen: ReadonlySet<string>): string {
    if (Array.isArray(schema.items)) {
      return `[${schema.items.map((item, index) => this.typeOf(item, indent, `${where}.items[${index}]`, seen)).join(', ')}]`;
    }
    return arrayOf(this.typeOf(schema.items, indent, `${where}.items`, seen));
  }

  private objectType(schema: Json, indent: string, where: string, seen: ReadonlySet<string>): string {
    const properties = schema.properties && typeof schema.properties === 'object' ? Object.entries(schema.properties as Json) : [];
    const required = new Set(Array.isArray(schema.required) ? schema.required.filter((name): name is string => typeof name === 'string') : []);
    const inner = indent + INDENT;
    const lines: string[] = [];
    const propertyTypes: string[] = [];
    for (const [name, property] of properties) {
      const type = this.typeOf(property, inner, `${where}.properties.${name}`, seen);
      const optional = !required.has(name);
      propertyTypes.push(optional ? union([type, 'undefined']) : type);
      const description = property && typeof property === 'object' ? (property as Json).description : undefined;
      lines.push(`${docComment(description, inner)}${inner}${propertyKey(name)}${optional ? '?' : ''}: ${type};\n`);
    }
    const additional = schema.additionalProperties;
    if (additional === true || (additional && typeof additional === 'object') || (additional === undefined && properties.length === 0)) {
      // An index signature must admit every property's type.
      const type = union([this.typeOf(additional === undefined ? true : additional, inner, `${where}.additionalProperties`, seen), ...propertyTypes]);
      lines.push(`${inner}[key: string]: ${type};\n`);
    }
    return lines.length === 0 ? 'Record<string, never>' : `{\n${lines.join('')}${indent}}`;
  }
}

/** A schema without `type`: what its keywords imply. */
function implicitType(schema: Json): string | undefined {
  if (schema.properties !== undefined || schema.additionalProperties !== undefined || schema.required !== undefined) return 'object';
  if (schema.items !== undefined) return 'array';
  return undefined;
}

function literal(value: unknown): string {
  if (typeof value === 'string') return stringLiteral(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return JSON.stringify(value);
  return 'unknown';
}
