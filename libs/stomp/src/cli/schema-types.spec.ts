import { ClientDocument } from './client-document.js';
import { SchemaTypes } from './schema-types.js';

function typesOf(schemas: Record<string, unknown> = {}): SchemaTypes {
  const document = new ClientDocument({ asyncapi: '3.0.0', components: { schemas } });
  return new SchemaTypes(document, new Map(Object.keys(schemas).map((key) => [key, `T${key}`])));
}

describe('SchemaTypes (JSON Schema → TypeScript)', () => {
  const types = typesOf({ Room: { type: 'object' } });

  it.each([
    [{ type: 'string' }, 'string'],
    [{ type: 'string', format: 'binary' }, 'string'],
    [{ type: 'number' }, 'number'],
    [{ type: 'integer' }, 'number'],
    [{ type: 'boolean' }, 'boolean'],
    [{ type: 'null' }, 'null'],
    [{ type: ['string', 'null'] }, 'string | null'],
    [{ type: 'string', nullable: true }, 'string | null'],
    [{ enum: ['a', "it's", 2, true, null] }, "'a' | 'it\\'s' | 2 | true | null"],
    [{ const: 'fixed' }, "'fixed'"],
    [{ type: 'array', items: { type: 'string' } }, 'string[]'],
    [{ type: 'array' }, 'unknown[]'],
    [{ type: 'array', items: { enum: ['x', 'y'] } }, "Array<'x' | 'y'>"],
    [{ type: 'array', items: [{ type: 'string' }, { type: 'number' }] }, '[string, number]'],
    [{ oneOf: [{ type: 'string' }, { $ref: '#/components/schemas/Room' }] }, 'string | TRoom'],
    [{ anyOf: [{ type: 'string' }, { type: 'string' }] }, 'string'],
    [{ allOf: [{ $ref: '#/components/schemas/Room' }, { oneOf: [{ const: 1 }, { const: 2 }] }] }, 'TRoom & (1 | 2)'],
    [{ $ref: '#/components/schemas/Room' }, 'TRoom'],
    [{}, 'unknown'],
    [true, 'unknown'],
    [false, 'never'],
    [{ type: 'object' }, '{\n  [key: string]: unknown;\n}'],
    [{ type: 'object', additionalProperties: false }, 'Record<string, never>'],
  ])('%j → %s', (schema, expected) => {
    expect(types.typeOf(schema)).toBe(expected);
  });

  it('writes required and optional properties with their descriptions, quoting keys that are not identifiers', () => {
    const schema = {
      type: 'object',
      properties: { id: { type: 'string', description: 'The id.' }, 'x-rank': { type: 'integer' }, tags: { type: 'array', items: { type: 'string' } } },
      required: ['id'],
    };
    expect(types.typeOf(schema)).toBe(['{', '  /** The id. */', '  id: string;', '  "x-rank"?: number;', '  tags?: string[];', '}'].join('\n'));
  });

  it('indents nested objects and keeps a description from closing its comment early', () => {
    const schema = { properties: { inner: { type: 'object', description: 'ends */ here', properties: { n: { type: 'number' } }, required: ['n'] } }, required: ['inner'] };
    expect(types.typeOf(schema)).toBe(['{', '  /** ends *\\/ here */', '  inner: {', '    n: number;', '  };', '}'].join('\n'));
  });

  it('types additionalProperties as an index signature that admits the named properties', () => {
    expect(types.typeOf({ type: 'object', additionalProperties: { type: 'number' } })).toBe('{\n  [key: string]: number;\n}');
    expect(types.typeOf({ type: 'object', properties: { name: { type: 'string' } }, additionalProperties: { type: 'number' } })).toBe(
      '{\n  name?: string;\n  [key: string]: number | string | undefined;\n}',
    );
    expect(types.typeOf({ type: 'object', properties: { name: { type: 'string' } }, additionalProperties: true, required: ['name'] })).toBe(
      '{\n  name: string;\n  [key: string]: unknown;\n}',
    );
  });

  it('keeps a component reference by name, so a recursive schema is a recursive type', () => {
    const recursive = typesOf({ Node: { type: 'object', properties: { children: { type: 'array', items: { $ref: '#/components/schemas/Node' } } } } });
    expect(recursive.typeOf({ $ref: '#/components/schemas/Node' })).toBe('TNode');
    expect(recursive.typeOf({ type: 'object', properties: { children: { type: 'array', items: { $ref: '#/components/schemas/Node' } } } })).toBe(
      '{\n  children?: TNode[];\n}',
    );
  });

  it('inlines a local reference outside the components, and a circle of them becomes unknown', () => {
    const document = new ClientDocument({ asyncapi: '3.0.0', 'x-defs': { name: { type: 'string' }, loop: { $ref: '#/x-defs/loop' } } });
    const inline = new SchemaTypes(document, new Map());
    expect(inline.typeOf({ $ref: '#/x-defs/name' })).toBe('string');
    expect(inline.typeOf({ $ref: '#/x-defs/loop' })).toBe('unknown');
    expect(() => inline.typeOf({ $ref: '#/x-defs/missing' }, '', '$.payload')).toThrow("Invalid AsyncAPI document at $.payload: the reference '#/x-defs/missing' points at nothing");
    expect(() => inline.typeOf({ $ref: 'other.json#/Thing' }, '', '$.payload')).toThrow('is not local');
  });
});
