import type { StompProtocolError } from '../errors/stomp-protocol.error.js';
import { decoderFor, decode, bytes, frame, HEARTBEAT, decodeError, expectError } from './frame-decoder.testing.js';

// Limits: maxFrameSize, maxHeaders, maxHeaderLineLength.
describe('FrameDecoder', () => {
  describe('protocol errors', () => {
    describe('frame size', () => {
      const small = { limits: { maxFrameSize: 64 } };

      it('rejects a content-length larger than maxFrameSize as soon as the headers arrive', () => {
        const error = decodeError(['SEND\ncontent-length:70000\n\n'], {});
        expectError(error, 'STOMP_ERR_FRAME_TOO_LARGE', 'Frame exceeds the size limit of 65536 bytes (option maxFrameSize)');
      });

      it('rejects a content-length body that with its headers exceeds maxFrameSize, before the body arrives', () => {
        // 24 header bytes + 40 body bytes + NUL = 65 > 64
        const head = 'SEND\ncontent-length:40\n\n';
        expect(Buffer.byteLength(head)).toBe(24);
        const error = decodeError([head], small);
        expectError(error, 'STOMP_ERR_FRAME_TOO_LARGE', 'Frame exceeds the size limit of 64 bytes (option maxFrameSize)');
      });

      it('accepts a content-length frame of exactly maxFrameSize bytes', () => {
        const data = bytes('SEND\ncontent-length:39\n\n', 'x'.repeat(39), [0]);
        expect(data.length).toBe(64);
        expect(decode([data], small)).toEqual([frame('SEND', { 'content-length': '39' }, 'x'.repeat(39))]);
      });

      it('accepts a NUL-terminated frame of exactly maxFrameSize bytes and rejects one byte more', () => {
        const ok = bytes('SEND\n\n', 'x'.repeat(57), [0]);
        expect(ok.length).toBe(64);
        expect(decode([ok], small)).toEqual([frame('SEND', {}, 'x'.repeat(57))]);
        const error = decodeError([bytes('SEND\n\n', 'x'.repeat(58), [0])], small);
        expectError(error, 'STOMP_ERR_FRAME_TOO_LARGE', 'Frame exceeds the size limit of 64 bytes (option maxFrameSize)');
      });

      it('rejects a body without content-length once it outgrows maxFrameSize, without waiting for a NUL', () => {
        const { decoder, events } = decoderFor(small);
        decoder.push('SEND\n\n');
        decoder.push('x'.repeat(58));
        expect(events).toEqual([]);
        decoder.push('x');
        expect(events).toHaveLength(1);
        expectError((events[0] as { error: StompProtocolError }).error, 'STOMP_ERR_FRAME_TOO_LARGE', 'Frame exceeds the size limit of 64 bytes (option maxFrameSize)');
      });

      it('rejects headers that outgrow maxFrameSize before the blank line', () => {
        const { decoder, events } = decoderFor({ limits: { maxFrameSize: 100, maxHeaders: 1000 } });
        decoder.push('SEND\n');
        for (let i = 0; i < 9 && events.length === 0; i++) decoder.push(`header${i}:value\n`);
        expect(events).toHaveLength(1);
        expectError((events[0] as { error: StompProtocolError }).error, 'STOMP_ERR_FRAME_TOO_LARGE', 'Frame exceeds the size limit of 100 bytes (option maxFrameSize)');
      });

      it('lets unfinished headers reach maxFrameSize bytes and rejects them one byte later', () => {
        const { decoder, events } = decoderFor({ limits: { maxFrameSize: 64, maxHeaderLineLength: 1000 } });
        decoder.push('SEND\nk:' + 'v'.repeat(57)); // 64 bytes, the header line not ended yet
        expect(events).toEqual([]);
        decoder.push('v');
        expect(events).toHaveLength(1);
        expectError((events[0] as { error: StompProtocolError }).error, 'STOMP_ERR_FRAME_TOO_LARGE', 'Frame exceeds the size limit of 64 bytes (option maxFrameSize)');
      });

      it('rejects a header line that never ends once it outgrows maxFrameSize', () => {
        const error = decodeError(['SEND\nk:' + 'v'.repeat(80)], { limits: { maxFrameSize: 64, maxHeaderLineLength: 1000 } });
        expect(error.code).toBe('STOMP_ERR_FRAME_TOO_LARGE');
      });

      it('counts the size per frame, not per chunk', () => {
        const one = 'SEND\n\n' + 'x'.repeat(50) + '\0';
        const sent = frame('SEND', {}, 'x'.repeat(50));
        expect(decode([one + one + one + one], small)).toEqual([sent, sent, sent, sent]);
      });

      // Frames after the first in a chunk start at an offset: each size check must measure from the
      // frame's own start, not from the start of the chunk.
      it('accepts pipelined frames of exactly maxFrameSize bytes, wherever they start in the chunk', () => {
        const sized = bytes('SEND\ncontent-length:39\n\n', 'x'.repeat(39), [0]);
        const terminated = bytes('SEND\n\n', 'y'.repeat(57), [0]);
        expect([sized.length, terminated.length]).toEqual([64, 64]);
        expect(decode([bytes('\n', sized, terminated, sized, '\r\n', terminated)], small)).toEqual([
          HEARTBEAT,
          frame('SEND', { 'content-length': '39' }, 'x'.repeat(39)),
          frame('SEND', {}, 'y'.repeat(57)),
          frame('SEND', { 'content-length': '39' }, 'x'.repeat(39)),
          HEARTBEAT,
          frame('SEND', {}, 'y'.repeat(57)),
        ]);
      });

      it('rejects a pipelined content-length frame one byte over maxFrameSize once its headers arrive', () => {
        const good = bytes('SEND\n\n', 'y'.repeat(57), [0]);
        const events = decode([bytes(good, 'SEND\ncontent-length:40\n\n')], small);
        expect(events.slice(0, 1)).toEqual([frame('SEND', {}, 'y'.repeat(57))]);
        expect(events).toHaveLength(2);
        expectError((events[1] as { error: StompProtocolError }).error, 'STOMP_ERR_FRAME_TOO_LARGE', 'Frame exceeds the size limit of 64 bytes (option maxFrameSize)');
      });

      it('measures a pipelined body without content-length from its own frame start while it waits for the NUL', () => {
        const { decoder, events } = decoderFor(small);
        decoder.push(bytes('SEND\n\n', 'y'.repeat(57), [0], 'SEND\n\n', 'z'.repeat(58)));
        expect(events).toEqual([frame('SEND', {}, 'y'.repeat(57))]);
        decoder.push('z');
        expect(events).toHaveLength(2);
        expectError((events[1] as { error: StompProtocolError }).error, 'STOMP_ERR_FRAME_TOO_LARGE', 'Frame exceeds the size limit of 64 bytes (option maxFrameSize)');
      });

      it('rejects a pipelined NUL-terminated frame one byte over maxFrameSize', () => {
        const good = bytes('SEND\n\n', 'y'.repeat(57), [0]);
        const events = decode([bytes(good, 'SEND\n\n', 'z'.repeat(58), [0])], small);
        expect(events.slice(0, 1)).toEqual([frame('SEND', {}, 'y'.repeat(57))]);
        expect(events).toHaveLength(2);
        expectError((events[1] as { error: StompProtocolError }).error, 'STOMP_ERR_FRAME_TOO_LARGE', 'Frame exceeds the size limit of 64 bytes (option maxFrameSize)');
      });

      it('rejects a content-length equal to maxFrameSize, and one more, as soon as the headers arrive', () => {
        // With its headers and NUL, a 64-byte body cannot fit a 64-byte frame either.
        for (const length of [64, 65]) {
          expectError(
            decodeError([`SEND\ncontent-length:${length}\n\n`], small),
            'STOMP_ERR_FRAME_TOO_LARGE',
            'Frame exceeds the size limit of 64 bytes (option maxFrameSize)',
          );
        }
      });
    });

    it('rejects more than maxHeaders headers', () => {
      const options = { limits: { maxHeaders: 3 } };
      expect(decode(['SEND\na:1\nb:2\nc:3\n\n\0'], options)).toEqual([frame('SEND', { a: '1', b: '2', c: '3' })]);
      const error = decodeError(['SEND\na:1\nb:2\nc:3\nd:4\n\n\0'], options);
      expectError(error, 'STOMP_ERR_TOO_MANY_HEADERS', 'Frame has more than the limit of 3 headers');
    });

    it('counts repeated headers against maxHeaders and resets the count per frame', () => {
      const options = { limits: { maxHeaders: 2 } };
      expect(decode(['SEND\na:1\na:2\n\n\0SEND\na:1\na:2\n\n\0'], options)).toEqual([
        frame('SEND', { a: '1' }),
        frame('SEND', { a: '1' }),
      ]);
      expect(decodeError(['SEND\na:1\na:2\na:3\n\n\0'], options).code).toBe('STOMP_ERR_TOO_MANY_HEADERS');
    });

    it('rejects a header line longer than maxHeaderLineLength, even before it ends', () => {
      const options = { limits: { maxHeaderLineLength: 16 } };
      expect(decode(['SEND\nk:' + 'v'.repeat(14) + '\n\n\0'], options)).toEqual([frame('SEND', { k: 'v'.repeat(14) })]);
      const error = decodeError(['SEND\nk:' + 'v'.repeat(15)], options);
      expectError(error, 'STOMP_ERR_HEADER_TOO_LONG', 'A command or header line is longer than the limit of 16 bytes');
    });

    it('rejects a command line longer than maxHeaderLineLength', () => {
      expect(decodeError(['X'.repeat(17)], { limits: { maxHeaderLineLength: 16 } }).code).toBe('STOMP_ERR_HEADER_TOO_LONG');
    });

    it('accepts a command line at maxHeaderLineLength, its CR counted', () => {
      const options = { limits: { maxHeaderLineLength: 16 } };
      expect(decode(['X'.repeat(16) + '\n\n\0', 'Y'.repeat(15) + '\r\n\r\n\0'], options)).toEqual([
        frame('X'.repeat(16), {}),
        frame('Y'.repeat(15), {}),
      ]);
    });

    it('measures header lines in bytes, not characters', () => {
      expect(decodeError(['SEND\nk:' + 'é'.repeat(8) + '\n\n\0'], { limits: { maxHeaderLineLength: 16 } }).code).toBe(
        'STOMP_ERR_HEADER_TOO_LONG',
      );
    });
  });
});
