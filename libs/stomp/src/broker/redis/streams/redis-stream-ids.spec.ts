import { offsetOfStreamId, offsetOfStreamIdBytes, streamIdAtTime, streamIdOfOffset } from './redis-stream-ids.js';
import { xreadEntries } from './redis-stream-entries.js';

describe('Redis stream ids as offsets', () => {
  it('encodes ms-seq as ms × 1024 + seq, and back', () => {
    expect(offsetOfStreamId('0-0')).toBe(0);
    expect(offsetOfStreamId('1764892800000-0')).toBe(1764892800000 * 1024);
    expect(offsetOfStreamId('1764892800000-1023')).toBe(1764892800000 * 1024 + 1023);
    expect(streamIdOfOffset(1764892800000 * 1024 + 5)).toBe('1764892800000-5');
    expect(streamIdAtTime(1764892800250)).toBe('1764892800250-0');
  });

  it('makes offset + 1 the very next id: the following seq, or the next millisecond after seq 1023', () => {
    expect(streamIdOfOffset(offsetOfStreamId('1764892800000-7') + 1)).toBe('1764892800000-8');
    expect(streamIdOfOffset(offsetOfStreamId('1764892800000-1023') + 1)).toBe('1764892800001-0');
  });

  it('keeps offsets safe integers for centuries', () => {
    expect(Number.isSafeInteger(offsetOfStreamId(`${Date.UTC(2200, 0, 1)}-1023`))).toBe(true);
  });

  it.each(['abc', '-1', '12', '1-1024', '1--1', '1-x'])("refuses '%s', which the publisher never writes", (id) => {
    expect(() => offsetOfStreamId(id)).toThrow(`'${id}' is not a stream id`);
  });

  it.each(['0-0', '1764892800000-0', '1764892800000-1023', '9007199254740-5', '1-+5'])("reads '%s' from its bytes as from its string", (id) => {
    expect(offsetOfStreamIdBytes(Buffer.from(id))).toBe(offsetOfStreamId(id));
  });

  it.each(['abc', '-1', '12', '1-1024', '1--1', '1-x', '99999999999999999-0'])("refuses '%s' from its bytes too", (id) => {
    expect(() => offsetOfStreamIdBytes(Buffer.from(id))).toThrow(`'${id}' is not a stream id`);
  });

  it("reads XREAD's reply in RESP2 and RESP3 (flattened) shapes, and a timeout", () => {
    const entry = [Buffer.from('1-0'), [Buffer.from('m'), Buffer.from('x')]];
    expect(xreadEntries([[Buffer.from('feed'), [entry]]])).toEqual([entry]);
    expect(xreadEntries([Buffer.from('feed'), [entry]])).toEqual([entry]);
    expect(xreadEntries(null)).toEqual([]);
  });
});
