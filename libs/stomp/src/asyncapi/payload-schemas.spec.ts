import 'reflect-metadata';
import { IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';
import { StompConfigurationError } from '../errors/stomp-configuration.error.js';
import { DocumentWriter, identifier } from './asyncapi-document.js';
import { PayloadSchemas } from './payload-schemas.js';

class Address {
  @IsString()
  city!: string;
}

class Customer {
  @IsString()
  @MaxLength(40)
  name!: string;

  @IsOptional()
  @ValidateNested({ each: true })
  @Type(() => Address)
  addresses?: Address[];
}

class Undecorated {
  name!: string;
}

describe('PayloadSchemas', () => {
  it("gives JavaScript's own types their schema and content type", () => {
    const schemas = new PayloadSchemas();
    expect(schemas.ofType(String)).toEqual({ schema: { type: 'string' }, contentType: 'text/plain;charset=UTF-8', typeName: undefined });
    expect(schemas.ofType(Number).schema).toEqual({ type: 'number' });
    expect(schemas.ofType(Boolean).schema).toEqual({ type: 'boolean' });
    expect(schemas.ofType(Buffer)).toEqual({ schema: { type: 'string', format: 'binary' }, contentType: 'application/octet-stream', typeName: undefined });
    expect(schemas.ofType(Promise).schema).toBeUndefined();
    expect(schemas.ofType(undefined).schema).toBeUndefined();
    expect(schemas.describe('void', undefined).schema).toBeUndefined();
    expect(schemas.components).toEqual({});
  });

  it('refers to a class, adding its schema and those of the classes it nests', () => {
    const schemas = new PayloadSchemas();
    expect(schemas.ofType(Customer)).toEqual({ schema: { $ref: '#/components/schemas/Customer' }, contentType: 'application/json;charset=UTF-8', typeName: 'Customer' });
    expect(schemas.components.Customer).toEqual(
      expect.objectContaining({
        properties: expect.objectContaining({
          name: expect.objectContaining({ type: 'string', maxLength: 40 }),
          addresses: expect.objectContaining({ type: 'array', items: { $ref: '#/components/schemas/Address' } }),
        }),
        required: ['name'],
      }),
    );
    expect(schemas.components.Address).toEqual(expect.objectContaining({ required: ['city'] }));
    expect(schemas.ofType([Address])).toEqual({ schema: { type: 'array', items: { $ref: '#/components/schemas/Address' } }, contentType: 'application/json;charset=UTF-8', typeName: 'AddressList' });
  });

  it('says so of a class without class-validator decorators', () => {
    const schemas = new PayloadSchemas();
    schemas.ofType(Undecorated);
    expect(schemas.components.Undecorated).toEqual({ type: 'object', description: expect.stringContaining('no class-validator decorators') });
  });

  it('lets a documentation decorator win: its schema over its type over the declared type', () => {
    const schemas = new PayloadSchemas();
    expect(schemas.describe(Object, { schema: { type: 'integer' } }).schema).toEqual({ type: 'integer' });
    expect(schemas.describe(Object, { type: String, contentType: 'text/markdown' })).toEqual({ schema: { type: 'string' }, contentType: 'text/markdown', typeName: undefined });
  });

  it('names the package to install when class-validator-jsonschema is missing', () => {
    const schemas = new PayloadSchemas(() => {
      throw new StompConfigurationError("The AsyncAPI document's payload schemas of classes needs the 'class-validator-jsonschema' package: npm install class-validator-jsonschema");
    });
    expect(schemas.ofType(String).schema).toEqual({ type: 'string' });
    expect(() => schemas.ofType(Customer)).toThrow('npm install class-validator-jsonschema');
  });
});

describe('DocumentWriter', () => {
  it('makes ids the specification accepts, one channel per address, parameters from variables', () => {
    expect(identifier('/app/room.{roomId}')).toBe('app_room_roomId');
    const writer = new DocumentWriter();
    const id = writer.channel('/app/order.{id:\\d+}');
    expect(writer.channel('/app/order.{id}')).toBe(id);
    expect(writer.channels[id]).toEqual({ address: '/app/order.{id}', parameters: { id: { description: expect.stringContaining('/\\d+/') } }, messages: {} });
    expect(writer.channel('/app/order_id')).toBe('app_order_id_2');
    expect(writer.channel('/topic/**').endsWith('topic')).toBe(true);
    expect(writer.channels.topic!.description).toContain('`**` any segments');
  });
});
