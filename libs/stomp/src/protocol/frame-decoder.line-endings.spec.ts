import { decoderFor, decode, decodeError, expectError, frame, HEARTBEAT } from './frame-decoder.testing.js';

// Line endings (LF, CRLF, a CR split from its LF) and heart-beats (EOLs between frames).
describe('FrameDecoder', () => {
  describe('line endings', () => {
    const expected = frame('SEND', { destination: '/a', receipt: 'r' }, 'x');

    it.each([
      ['LF', 'SEND\ndestination:/a\nreceipt:r\n\nx\0'],
      ['CRLF', 'SEND\r\ndestination:/a\r\nreceipt:r\r\n\r\nx\0'],
      ['mixed LF and CRLF', 'SEND\r\ndestination:/a\nreceipt:r\r\n\nx\0'],
    ])('decodes headers ended by %s', (_name, data) => {
      expect(decode([data])).toEqual([expected]);
    });

    it.each([
      ['the command line', 'SEND\r', '\ndestination:/a\r\nreceipt:r\r\n\r\nx\0'],
      ['a header line', 'SEND\r\ndestination:/a\r', '\nreceipt:r\r\n\r\nx\0'],
      ['the blank line', 'SEND\r\ndestination:/a\r\nreceipt:r\r\n\r', '\nx\0'],
    ])('handles a CR split from its LF in %s', (_name, first, second) => {
      const { decoder, events } = decoderFor();
      decoder.push(first);
      expect(events).toEqual([]);
      decoder.push(second);
      expect(events).toEqual([expected]);
    });

    it('decodes one-character command lines ended by LF or CRLF', () => {
      expect(decode(['X\n\n\0Y\r\n\r\n\0Z\r\nk:v\r\n\r\nz\0'])).toEqual([frame('X', {}), frame('Y', {}), frame('Z', { k: 'v' }, 'z')]);
    });

    it.each([
      ['LF', 'SEND\nk\n\n\0'],
      ['CRLF', 'SEND\r\nk\r\n\r\n\0'],
    ])('reads a one-character header line ended by %s as a header line, not as the blank line', (_name, data) => {
      expectError(decodeError([data]), 'STOMP_ERR_ILLEGAL_HEADER', "Illegal header: 'k'");
    });

    it('keeps a CR that does not end the line as part of the value (1.0)', () => {
      expect(decode(['SEND\nk:a\rb\n\n\0'], { version: '1.0' })).toEqual([frame('SEND', { k: 'a\rb' })]);
    });
  });

  describe('heart-beats', () => {
    it('reports EOLs before the first frame', () => {
      expect(decode(['\n\r\n\nSEND\n\n\0'])).toEqual([HEARTBEAT, HEARTBEAT, HEARTBEAT, frame('SEND', {})]);
    });

    it('reports EOLs between and after frames, in order', () => {
      expect(decode(['SEND\n\na\0\nSEND\n\nb\0\r\n\nSEND\n\nc\0\r\n'])).toEqual([
        frame('SEND', {}, 'a'),
        HEARTBEAT,
        frame('SEND', {}, 'b'),
        HEARTBEAT,
        HEARTBEAT,
        frame('SEND', {}, 'c'),
        HEARTBEAT,
      ]);
    });

    it('reports each heart-beat of its own chunk at once and buffers nothing', () => {
      const { decoder, events } = decoderFor();
      decoder.push('\n');
      expect(events).toEqual([HEARTBEAT]);
      decoder.push(Buffer.from('\r\n'));
      expect(events).toEqual([HEARTBEAT, HEARTBEAT]);
      expect(decoder.bufferedBytes).toBe(0);
    });

    // Only LF or CR LF is an EOL: a lone CR is the first byte of the next command line (which the
    // session then rejects as an unknown command), never a heart-beat that would swallow a byte.
    it('keeps a bare CR between frames as the start of the next command line', () => {
      expect(decode(['SEND\n\n\0\rSEND\n\n\0'])).toEqual([frame('SEND', {}), frame('\rSEND', {})]);
      const { decoder, events } = decoderFor();
      decoder.push('SEND\n\n\0\r');
      decoder.push('XY\n\n\0');
      expect(events).toEqual([frame('SEND', {}), frame('\rXY', {})]);
    });

    it('reports a CRLF heart-beat split across chunks once its LF arrives', () => {
      const { decoder, events } = decoderFor();
      decoder.push('SEND\n\n\0\r');
      expect(events).toEqual([frame('SEND', {})]);
      decoder.push('\n');
      expect(events).toEqual([frame('SEND', {}), HEARTBEAT]);
      decoder.push('\r');
      decoder.push('\nSEND\n\n\0');
      expect(events).toEqual([frame('SEND', {}), HEARTBEAT, HEARTBEAT, frame('SEND', {})]);
    });
  });
});
