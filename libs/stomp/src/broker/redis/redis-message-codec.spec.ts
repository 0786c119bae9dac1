import fc from 'fast-check';
import { decodeRedisMessage, encodeRedisMessage } from './redis-message-codec.js';

describe('Redis message codec', () => {
  it('round-trips destination, headers and body', () => {
    const message = {
      destination: '/topic/prices.ACME',
      headers: { 'content-type': 'application/json', 'x-trace': 'abc' },
      body: Buffer.from('{"price":12.5}'),
    };
    expect(decodeRedisMessage(encodeRedisMessage(message))).toEqual(message);
  });

  it('is binary-safe: every byte value in the body, and STOMP-special characters in headers', () => {
    const body = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const headers = { 'x-colon:and\nnewline': 'back\\slash\r\0nul', 'x-unicode-é': '日本語 🚀', '': '' };
    const decoded = decodeRedisMessage(encodeRedisMessage({ destination: '/queue/bïnary/🚀', headers, body }));
    expect(decoded.destination).toBe('/queue/bïnary/🚀');
    expect(decoded.headers).toEqual(headers);
    expect(decoded.body.equals(body)).toBe(true);
  });

  it('keeps a header named __proto__ as a header', () => {
    const headers = JSON.parse('{"__proto__":"x","a":"b"}') as Record<string, string>;
    const decoded = decodeRedisMessage(encodeRedisMessage({ destination: '/topic/x', headers, body: Buffer.alloc(0) }));
    expect(Object.entries(decoded.headers)).toEqual([
      ['__proto__', 'x'],
      ['a', 'b'],
    ]);
    expect(Object.getPrototypeOf(decoded.headers)).toBe(Object.prototype);
  });

  it('sets an added header after the stored ones, replacing a stored one of that name in its place', () => {
    const encoded = encodeRedisMessage({ destination: '/topic/x', headers: { a: '1', 'x-stream-offset': 'forged', b: '2' }, body: Buffer.from('b') });
    expect(Object.entries(decodeRedisMessage(encoded, { name: 'x-stream-offset', value: '7' }).headers)).toEqual([
      ['a', '1'],
      ['x-stream-offset', '7'],
      ['b', '2'],
    ]);
    expect(decodeRedisMessage(encodeRedisMessage({ destination: '/topic/x', headers: {}, body: Buffer.alloc(0) }), { name: 'o', value: '1' }).headers).toEqual({ o: '1' });
  });

  it('round-trips no headers and an empty body', () => {
    expect(decodeRedisMessage(encodeRedisMessage({ destination: '/topic/x', headers: {}, body: Buffer.alloc(0) }))).toEqual({
      destination: '/topic/x',
      headers: {},
      body: Buffer.alloc(0),
    });
  });

  it('round-trips any message', () => {
    fc.assert(
      fc.property(fc.string(), fc.dictionary(fc.string(), fc.string()), fc.uint8Array({ maxLength: 512 }), (destination, headers, bytes) => {
        const message = { destination, headers, body: Buffer.from(bytes) };
        const decoded = decodeRedisMessage(encodeRedisMessage(message));
        expect(decoded.destination).toBe(destination);
        expect(decoded.headers).toEqual(headers);
        expect(decoded.body.equals(message.body)).toBe(true);
      }),
    );
  });

  it('hands out a body that does not share the Redis reply buffer', () => {
    const encoded = encodeRedisMessage({ destination: '/topic/x', headers: {}, body: Buffer.from('abc') });
    const decoded = decodeRedisMessage(encoded);
    encoded.fill(0);
    expect(decoded.body.toString()).toBe('abc');
  });

  it('refuses a truncated message wherever it is cut inside the destination or headers', () => {
    const encoded = encodeRedisMessage({ destination: '/topic/x', headers: { a: 'b' }, body: Buffer.alloc(0) });
    for (let length = 0; length < encoded.length; length++) {
      expect(() => decodeRedisMessage(encoded.subarray(0, length))).toThrow(/truncated|exceeds/);
    }
  });

  it('refuses another format version and an impossible header count', () => {
    const encoded = encodeRedisMessage({ destination: '/topic/x', headers: {}, body: Buffer.from('b') });
    const otherVersion = Buffer.from(encoded);
    otherVersion[0] = 2;
    expect(() => decodeRedisMessage(otherVersion)).toThrow('unknown message format 2');

    const hugeCount = Buffer.from(encoded);
    hugeCount.writeUInt32BE(0xffffffff, 1 + 4 + '/topic/x'.length);
    expect(() => decodeRedisMessage(hugeCount)).toThrow(/header count 4294967295 exceeds/);
  });
});
