import { type DecoderEvent, decoderFor, decode, bytes, chunksOf, frame, HEARTBEAT, sameEvents } from './frame-decoder.testing.js';

// Framing: commands, headers, bodies and frame boundaries, whatever the chunking.
describe('FrameDecoder', () => {
  describe('framing', () => {
    it('decodes command, headers and body', () => {
      expect(decode(['SEND\ndestination:/queue/a\ncontent-type:text/plain\n\nhello\0'])).toEqual([
        frame('SEND', { destination: '/queue/a', 'content-type': 'text/plain' }, 'hello'),
      ]);
    });

    it('decodes a frame without headers or body', () => {
      const events = decode(['DISCONNECT\n\n\0']);
      expect(events).toEqual([frame('DISCONNECT', {})]);
      expect((events[0] as { body: Buffer }).body.length).toBe(0);
    });

    it('decodes several frames in one chunk, in order', () => {
      const chunk =
        'SUBSCRIBE\nid:0\ndestination:/topic/a\n\n\0' +
        'SEND\ndestination:/topic/a\ncontent-length:3\n\nabc\0' +
        'SEND\ndestination:/topic/b\n\nxyz\0' +
        'UNSUBSCRIBE\nid:0\n\n\0';
      expect(decode([chunk])).toEqual([
        frame('SUBSCRIBE', { id: '0', destination: '/topic/a' }),
        frame('SEND', { destination: '/topic/a', 'content-length': '3' }, 'abc'),
        frame('SEND', { destination: '/topic/b' }, 'xyz'),
        frame('UNSUBSCRIBE', { id: '0' }),
      ]);
    });

    it('decodes one frame fed one byte at a time, reporting it only when its NUL arrives', () => {
      const data = bytes('SEND\r\ndestination:/queue/é\r\ncontent-length:4\r\n\r\na\0\nb\0');
      const { decoder, events } = decoderFor();
      for (let i = 0; i < data.length; i++) {
        decoder.push(data.subarray(i, i + 1));
        if (i < data.length - 1) {
          expect(events).toEqual([]);
          expect(decoder.bufferedBytes).toBe(i + 1);
        }
      }
      expect(events).toEqual([frame('SEND', { destination: '/queue/é', 'content-length': '4' }, 'a\0\nb')]);
      expect(decoder.bufferedBytes).toBe(0);
    });

    // A stream exercising every parser state: heart-beats before and between frames, CRLF headers,
    // escapes, content-length bodies with NUL/LF/CRLF, NUL-terminated and non-UTF-8 bodies.
    const stream = bytes(
      '\n',
      'MESSAGE\r\nsubscription:s\\c1\r\nmessage-id:m\\\\1\r\ndestination:/topic/\\n\r\n\r\nhi\0',
      '\r\n\n',
      'SEND\ndestination:/q\ncontent-length:7\n\n\0a\nb\r\nc\0',
      '\r\n',
      'ERROR\nmessage:x\n\n',
      [0xff, 0xfe, 0xc3, 0x28, 0x80],
      [0],
      'RECEIPT\nreceipt-id:77\n\n\0',
    );
    const streamEvents: DecoderEvent[] = [
      HEARTBEAT,
      frame('MESSAGE', { subscription: 's:1', 'message-id': 'm\\1', destination: '/topic/\n' }, 'hi'),
      HEARTBEAT,
      HEARTBEAT,
      frame('SEND', { destination: '/q', 'content-length': '7' }, '\0a\nb\r\nc'),
      HEARTBEAT,
      frame('ERROR', { message: 'x' }, Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0x80])),
      frame('RECEIPT', { 'receipt-id': '77' }),
    ];

    it('decodes a mixed stream in one chunk', () => {
      expect(decode([stream])).toEqual(streamEvents);
    });

    it('decodes the same events whatever byte offset the stream is split at', () => {
      for (let i = 0; i <= stream.length; i++) {
        const events = decode([stream.subarray(0, i), stream.subarray(i)]);
        if (!sameEvents(events, streamEvents)) expect({ splitAt: i, events }).toEqual({ splitAt: i, events: streamEvents });
      }
    });

    it('decodes the same events whatever two byte offsets the stream is split at', () => {
      for (let i = 0; i <= stream.length; i++) {
        for (let j = i; j <= stream.length; j++) {
          const events = decode([stream.subarray(0, i), stream.subarray(i, j), stream.subarray(j)]);
          if (!sameEvents(events, streamEvents)) {
            expect({ splitAt: [i, j], events }).toEqual({ splitAt: [i, j], events: streamEvents });
          }
        }
      }
    });

    it('decodes the stream fed one byte at a time', () => {
      expect(decode(chunksOf(stream, 1))).toEqual(streamEvents);
    });

    describe('large frames split like stomp.js splitLargeFrames', () => {
      const text = 'héllo wörld € 😀 '.repeat(2500); // ~50 KB of multi-byte UTF-8
      const body = Buffer.from(text, 'utf8');
      const withLength = bytes(`SEND\ndestination:/big\ncontent-length:${body.length}\n\n`, body, [0]);
      const withoutLength = bytes('SEND\ndestination:/big\n\n', body, [0]);

      it.each([16 * 1024, 8 * 1024, 4096])('reassembles %i-byte chunks (with content-length)', (size) => {
        const chunks = chunksOf(withLength, size);
        expect(chunks.length).toBeGreaterThan(2);
        const events = decode(chunks);
        expect(events).toEqual([frame('SEND', { destination: '/big', 'content-length': String(body.length) }, body)]);
      });

      it.each([16 * 1024, 8 * 1024])('reassembles %i-byte chunks (NUL-terminated body)', (size) => {
        expect(decode(chunksOf(withoutLength, size))).toEqual([frame('SEND', { destination: '/big' }, body)]);
      });

      it('reassembles 16 KiB text chunks (stomp.js cuts the frame string every 16384 UTF-16 units)', () => {
        const bmpText = 'héllo wörld € '.repeat(3000); // multi-byte, but no surrogate pair a cut could break
        const length = Buffer.byteLength(bmpText);
        const out = `SEND\ndestination:/big\ncontent-length:${length}\n\n${bmpText}\0`;
        const chunks: string[] = [];
        for (let i = 0; i < out.length; i += 16 * 1024) chunks.push(out.substring(i, i + 16 * 1024));
        // the cuts must not have landed inside a surrogate pair, or the text itself would change
        expect(chunks.join('')).toBe(out);
        expect(chunks.every((c) => Buffer.from(c, 'utf8').toString('utf8') === c)).toBe(true);
        const events = decode(chunks);
        expect(events).toHaveLength(1);
        expect(events).toEqual([frame('SEND', { destination: '/big', 'content-length': String(length) }, bmpText)]);
      });

      it('reassembles a frame followed by more frames in the same last chunk', () => {
        const data = bytes(withLength, '\n', withoutLength, 'DISCONNECT\nreceipt:1\n\n\0');
        const events = decode(chunksOf(data, 16 * 1024));
        expect(events.map((e) => (e.type === 'frame' ? e.command : e.type))).toEqual(['SEND', 'heartbeat', 'SEND', 'DISCONNECT']);
        expect((events[2] as { body: Buffer }).body.equals(body)).toBe(true);
      });
    });

    // Chunks that straddle frames keep a partial frame buffered while the frames before it leave:
    // the decoder's own buffer must move that partial frame to its front rather than write past it.
    it('decodes a long run of small frames trickling in chunks that straddle them', () => {
      const frames = Array.from({ length: 300 }, (_, i) => `SEND\ndestination:/q/${i}\n\nbody-${i}\0`);
      const expected = frames.map((_, i) => frame('SEND', { destination: `/q/${i}` }, `body-${i}`));
      for (const size of [7, 13, 100]) {
        const events = decode(chunksOf(bytes(frames.join('')), size));
        if (!sameEvents(events, expected)) expect({ size, events }).toEqual({ size, events: expected });
      }
    });

    it('accepts string chunks, encoding them as UTF-8', () => {
      expect(decode(['SEND\ndestination:/ü\ncontent-length:2\n\n', 'é\0'])).toEqual([
        frame('SEND', { destination: '/ü', 'content-length': '2' }, 'é'),
      ]);
    });

    it('ignores empty chunks', () => {
      const { decoder, events } = decoderFor();
      decoder.push(Buffer.alloc(0));
      decoder.push('');
      decoder.push('SEND\n\n');
      decoder.push(Buffer.alloc(0));
      decoder.push('\0');
      expect(events).toEqual([frame('SEND', {})]);
    });

    it('reports the bytes of the incomplete frame in bufferedBytes', () => {
      const { decoder } = decoderFor();
      expect(decoder.bufferedBytes).toBe(0);
      decoder.push('RECEIPT\nreceipt-id:1\n\n\0\nSEND\ndest');
      expect(decoder.bufferedBytes).toBe('SEND\ndest'.length);
      decoder.push('ination:/a\n\nbody');
      expect(decoder.bufferedBytes).toBe('SEND\ndestination:/a\n\nbody'.length);
      decoder.push('\0');
      expect(decoder.bufferedBytes).toBe(0);
    });

    it('does not let frame bodies alias the pushed chunk', () => {
      const chunk = bytes('SEND\ncontent-length:3\n\nabc\0');
      const events = decode([chunk]);
      chunk.fill(0x7a);
      expect(events).toEqual([frame('SEND', { 'content-length': '3' }, 'abc')]);
    });
  });
});
