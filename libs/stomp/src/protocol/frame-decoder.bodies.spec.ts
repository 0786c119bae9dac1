import { decoderFor, decode, bytes, frame } from './frame-decoder.testing.js';

// Bodies: sized by content-length or ended by the first NUL, binary kept byte for byte.
describe('FrameDecoder', () => {
  describe('content-length bodies', () => {
    it.each([
      ['a NUL', 'a\0b'],
      ['only NULs', '\0\0\0'],
      ['a LF', 'line1\nline2'],
      ['a CRLF', 'line1\r\nline2\r\n'],
      ['something that looks like a frame', 'SEND\n\n\0'],
    ])('reads exactly content-length bytes of a body containing %s', (_name, body) => {
      const length = Buffer.byteLength(body);
      const data = bytes(`SEND\ncontent-length:${length}\n\n${body}\0`, 'RECEIPT\nreceipt-id:2\n\n\0');
      expect(decode([data])).toEqual([
        frame('SEND', { 'content-length': String(length) }, body),
        frame('RECEIPT', { 'receipt-id': '2' }),
      ]);
    });

    it('reads an empty body for content-length:0', () => {
      expect(decode(['SEND\ncontent-length:0\n\n\0'])).toEqual([frame('SEND', { 'content-length': '0' })]);
    });

    it('accepts leading zeros in content-length', () => {
      expect(decode(['SEND\ncontent-length:003\n\n\0\0\0\0'])).toEqual([frame('SEND', { 'content-length': '003' }, '\0\0\0')]);
    });

    it('ends a body without content-length at the first NUL', () => {
      expect(decode(['SEND\n\nab\0', 'SEND\n\ncd\0'])).toEqual([frame('SEND', {}, 'ab'), frame('SEND', {}, 'cd')]);
    });

    it('waits for the whole announced body even when NULs arrive first', () => {
      const { decoder, events } = decoderFor();
      decoder.push('SEND\ncontent-length:4\n\n\0\0');
      decoder.push('\0');
      expect(events).toEqual([]);
      decoder.push('\0\0');
      expect(events).toEqual([frame('SEND', { 'content-length': '4' }, '\0\0\0\0')]);
    });
  });

  describe('binary bodies', () => {
    const allBytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const notUtf8 = Buffer.from([0xc3, 0x28, 0xa0, 0xa1, 0xe2, 0x28, 0xa1, 0xf0, 0x28, 0x8c, 0xbc, 0xff, 0xfe, 0x80]);

    it('keeps every byte value of a content-length body', () => {
      const events = decode([bytes('SEND\ncontent-type:application/octet-stream\ncontent-length:256\n\n', allBytes, [0])]);
      expect(events).toHaveLength(1);
      expect((events[0] as { body: Buffer }).body.equals(allBytes)).toBe(true);
    });

    it('keeps invalid UTF-8 in a NUL-terminated body', () => {
      const events = decode([bytes('SEND\n\n', notUtf8, [0])]);
      expect((events[0] as { body: Buffer }).body.equals(notUtf8)).toBe(true);
    });

    it('keeps a binary body split between chunks in the middle of a multi-byte sequence', () => {
      const data = bytes('MESSAGE\ncontent-length:3\n\n', [0xe2, 0x82, 0xac], [0]);
      for (let i = 0; i <= data.length; i++) {
        const events = decode([data.subarray(0, i), data.subarray(i)]);
        expect((events[0] as { body: Buffer }).body).toEqual(Buffer.from('€'));
      }
    });
  });
});
