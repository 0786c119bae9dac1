import { encodePayload } from './outgoing-payload.js';

describe('encodePayload: what the server decodes back', () => {
  it.each([
    ['an object', { a: 1 }, '{"a":1}', 'application/json', false],
    ['an array', [1, 2], '[1,2]', 'application/json', false],
    ['a number', 42, '42', 'application/json', false],
    ['null', null, 'null', 'application/json', false],
    ['a string', 'héllo', 'héllo', 'text/plain;charset=UTF-8', false],
    ['nothing', undefined, '', undefined, false],
  ])('%s', (_name, payload, body, contentType, binary) => {
    expect(encodePayload(payload)).toEqual({ body: Buffer.from(body, 'utf8'), contentType, binary });
  });

  it('bytes as application/octet-stream in a binary message, a Uint8Array as a Buffer', () => {
    const encoded = encodePayload(new Uint8Array([0, 255]));
    expect(Buffer.isBuffer(encoded.body) && [...encoded.body]).toEqual([0, 255]);
    expect(encoded).toMatchObject({ contentType: 'application/octet-stream', binary: true });
  });
});
