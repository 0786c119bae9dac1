import { StompProtocolError, type StompProtocolErrorCode } from '../errors/stomp-protocol.error.js';
import { FrameDecoder, type FrameDecoderLimits } from './frame-decoder.js';
import type { StompFrame } from './stomp-frame.js';
import type { StompVersion } from './stomp-version.js';

const LIMITS: FrameDecoderLimits = { maxFrameSize: 65536, maxHeaders: 64, maxHeaderLineLength: 8192 };

type DecoderEvent =
  | { readonly type: 'frame'; readonly command: string; readonly headers: Record<string, string>; readonly body: Buffer }
  | { readonly type: 'heartbeat' }
  | { readonly type: 'error'; readonly error: StompProtocolError };

interface DecoderOptions {
  readonly version?: StompVersion;
  readonly limits?: Partial<FrameDecoderLimits>;
  /** Runs inside `onFrame`, after the frame is recorded. */
  readonly onFrame?: (frame: StompFrame, decoder: FrameDecoder) => void;
}

function decoderFor(options: DecoderOptions = {}): { decoder: FrameDecoder; events: DecoderEvent[] } {
  const events: DecoderEvent[] = [];
  const decoder: FrameDecoder = new FrameDecoder(
    {
      onFrame: (frame) => {
        events.push({ type: 'frame', command: frame.command, headers: { ...frame.headers }, body: frame.body });
        options.onFrame?.(frame, decoder);
      },
      onHeartbeat: () => events.push({ type: 'heartbeat' }),
      onError: (error) => events.push({ type: 'error', error }),
    },
    { ...LIMITS, ...options.limits },
  );
  if (options.version) decoder.version = options.version;
  return { decoder, events };
}

/** Pushes each chunk in turn and returns everything the decoder reported. */
function decode(chunks: ReadonlyArray<Buffer | string>, options: DecoderOptions = {}): DecoderEvent[] {
  const { decoder, events } = decoderFor(options);
  for (const chunk of chunks) decoder.push(chunk);
  return events;
}

function bytes(...parts: Array<string | Uint8Array | readonly number[]>): Buffer {
  return Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p as Uint8Array))));
}

function chunksOf(data: Buffer, size: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let i = 0; i < data.length; i += size) chunks.push(data.subarray(i, i + size));
  return chunks;
}

function frame(command: string, headers: Record<string, string>, body: string | Buffer = ''): DecoderEvent {
  return { type: 'frame', command, headers, body: Buffer.from(body) };
}

const HEARTBEAT: DecoderEvent = { type: 'heartbeat' };

/** The single error the input causes; fails unless it is the last thing reported. */
function decodeError(chunks: ReadonlyArray<Buffer | string>, options: DecoderOptions = {}): StompProtocolError {
  const events = decode(chunks, options);
  const errors = events.filter((e) => e.type === 'error');
  expect(errors).toHaveLength(1);
  expect(events[events.length - 1]!.type).toBe('error');
  const { error } = errors[0] as Extract<DecoderEvent, { type: 'error' }>;
  expect(error).toBeInstanceOf(StompProtocolError);
  expect(error.name).toBe('StompProtocolError');
  return error;
}

function expectError(error: StompProtocolError, code: StompProtocolErrorCode, message: string | RegExp): void {
  expect(error.code).toBe(code);
  if (typeof message === 'string') expect(error.message).toBe(message);
  else expect(error.message).toMatch(message);
}

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

  describe('header escaping', () => {
    const escapedFrame = 'MESSAGE\nsub\\cscript\\\\ion:a\\cb\\\\c\\nd\n\n\0';

    it('unescapes \\\\, \\n, \\c and \\r in names and values in STOMP 1.2', () => {
      expect(decode(['MESSAGE\nk\\c\\\\:v\\n\\r\\c\\\\\n\n\0'], { version: '1.2' })).toEqual([
        frame('MESSAGE', { 'k:\\': 'v\n\r:\\' }),
      ]);
      expect(decode([escapedFrame], { version: '1.2' })).toEqual([frame('MESSAGE', { 'sub:script\\ion': 'a:b\\c\nd' })]);
    });

    it('unescapes \\\\, \\n and \\c in STOMP 1.1', () => {
      expect(decode([escapedFrame], { version: '1.1' })).toEqual([frame('MESSAGE', { 'sub:script\\ion': 'a:b\\c\nd' })]);
    });

    it('rejects \\r in STOMP 1.1, which does not define it', () => {
      const error = decodeError(['MESSAGE\nk:a\\rb\n\n\0'], { version: '1.1' });
      expectError(error, 'STOMP_ERR_ILLEGAL_ESCAPE', "Illegal escape sequence in header: 'k:a\\rb' (STOMP 1.1 allows \\\\, \\n, \\c)");
    });

    it('does not unescape anything in STOMP 1.0', () => {
      expect(decode(['MESSAGE\nk\\c:a\\cb\\\\c\\nd\\r\\t\n\n\0'], { version: '1.0' })).toEqual([
        frame('MESSAGE', { 'k\\c': 'a\\cb\\\\c\\nd\\r\\t' }),
      ]);
    });

    it.each(['1.1', '1.2'] as const)('rejects an undefined escape like \\t in STOMP %s', (version) => {
      const error = decodeError(['SEND\ndestination:/a\\tb\n\n\0'], { version });
      expectError(error, 'STOMP_ERR_ILLEGAL_ESCAPE', /^Illegal escape sequence in header: 'destination:\/a\\tb' \(STOMP 1\.[12] allows /);
    });

    it.each([
      ['a trailing backslash', 'k:abc\\'],
      ['an upper-case escape', 'k:a\\Nb'],
      ['an escape in the name', 'k\\x:v'],
    ])('rejects %s', (_name, line) => {
      expectError(decodeError([`MESSAGE\n${line}\n\n\0`]), 'STOMP_ERR_ILLEGAL_ESCAPE', `Illegal escape sequence in header: '${line}' (STOMP 1.2 allows \\\\, \\n, \\c, \\r)`);
    });

    it.each(['CONNECT', 'STOMP', 'CONNECTED'])('does not unescape %s frames (STOMP 1.2 compatibility rule)', (command) => {
      expect(decode([`${command}\nlogin:a\\cb\npasscode:p\\\\\\n\\t\\r\n\n\0`], { version: '1.2' })).toEqual([
        frame(command, { login: 'a\\cb', passcode: 'p\\\\\\n\\t\\r' }),
      ]);
    });

    it.each(['SEND', 'SUBSCRIBE', 'UNSUBSCRIBE', 'ACK', 'NACK', 'BEGIN', 'COMMIT', 'ABORT', 'DISCONNECT', 'MESSAGE', 'RECEIPT', 'ERROR'])(
      'unescapes %s frames',
      (command) => {
        expect(decode([`${command}\nk:a\\cb\n\n\0`])).toEqual([frame(command, { k: 'a:b' })]);
      },
    );

    it('splits a header at its first colon only', () => {
      expect(decode(['SEND\nk:a:b::c\n\n\0'], { version: '1.0' })).toEqual([frame('SEND', { k: 'a:b::c' })]);
      expect(decode(['CONNECT\nhost:h:1\n\n\0'])).toEqual([frame('CONNECT', { host: 'h:1' })]);
    });

    it('keeps empty header values', () => {
      expect(decode(['SEND\nk:\n\n\0'])).toEqual([frame('SEND', { k: '' })]);
    });

    it('decodes UTF-8 in header names and values', () => {
      expect(decode([bytes('MESSAGE\nnämé:välue € 😀\n\n\0')])).toEqual([frame('MESSAGE', { nämé: 'välue € 😀' })]);
    });
  });

  describe('repeated headers', () => {
    it('keeps the first value of a repeated header', () => {
      expect(decode(['MESSAGE\nfoo:1\nbar:x\nfoo:2\nfoo:3\n\n\0'])).toEqual([frame('MESSAGE', { foo: '1', bar: 'x' })]);
    });

    it('compares names after unescaping', () => {
      expect(decode(['MESSAGE\na\\cb:1\na\\cb:2\n\n\0'])).toEqual([frame('MESSAGE', { 'a:b': '1' })]);
    });

    it('sizes the body by the first content-length', () => {
      expect(decode(['SEND\ncontent-length:3\ncontent-length:1\n\nabc\0'])).toEqual([frame('SEND', { 'content-length': '3' }, 'abc')]);
    });

    it('stores a __proto__ header as a plain header, without touching prototypes', () => {
      const frames: StompFrame[] = [];
      const decoder = new FrameDecoder({ onFrame: (f) => frames.push(f), onHeartbeat: () => {}, onError: (e) => { throw e; } }, LIMITS);
      decoder.push('MESSAGE\n__proto__:x\nconstructor:y\n\n\0');
      const headers = frames[0]!.headers;
      expect(Object.getPrototypeOf(headers)).toBeNull();
      expect(Object.getOwnPropertyDescriptor(headers, '__proto__')?.value).toBe('x');
      expect(headers['constructor']).toBe('y');
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

      it('rejects a header line that never ends once it outgrows maxFrameSize', () => {
        const error = decodeError(['SEND\nk:' + 'v'.repeat(80)], { limits: { maxFrameSize: 64, maxHeaderLineLength: 1000 } });
        expect(error.code).toBe('STOMP_ERR_FRAME_TOO_LARGE');
      });

      it('counts the size per frame, not per chunk', () => {
        const one = 'SEND\n\n' + 'x'.repeat(50) + '\0';
        expect(decode([one + one + one + one], small)).toHaveLength(4);
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
      expect(decode(['SEND\na:1\na:2\n\n\0SEND\na:1\na:2\n\n\0'], options)).toHaveLength(2);
      expect(decodeError(['SEND\na:1\na:2\na:3\n\n\0'], options).code).toBe('STOMP_ERR_TOO_MANY_HEADERS');
    });

    it('rejects a header line longer than maxHeaderLineLength, even before it ends', () => {
      const options = { limits: { maxHeaderLineLength: 16 } };
      expect(decode(['SEND\nk:' + 'v'.repeat(14) + '\n\n\0'], options)).toHaveLength(1);
      const error = decodeError(['SEND\nk:' + 'v'.repeat(15)], options);
      expectError(error, 'STOMP_ERR_HEADER_TOO_LONG', 'A command or header line is longer than the limit of 16 bytes');
    });

    it('rejects a command line longer than maxHeaderLineLength', () => {
      expect(decodeError(['X'.repeat(17)], { limits: { maxHeaderLineLength: 16 } }).code).toBe('STOMP_ERR_HEADER_TOO_LONG');
    });

    it('measures header lines in bytes, not characters', () => {
      expect(decodeError(['SEND\nk:' + 'é'.repeat(8) + '\n\n\0'], { limits: { maxHeaderLineLength: 16 } }).code).toBe(
        'STOMP_ERR_HEADER_TOO_LONG',
      );
    });

    it.each([
      ['no colon', 'destination'],
      ['an empty name', ':value'],
      ['only spaces', '   '],
    ])("rejects a header line with %s as \"Illegal header: '...'\"", (_name, line) => {
      const error = decodeError([`SEND\n${line}\n\n\0`]);
      expectError(error, 'STOMP_ERR_ILLEGAL_HEADER', `Illegal header: '${line}'`);
    });

    it('truncates a long illegal header line in the message', () => {
      const line = 'x'.repeat(200);
      const error = decodeError([`SEND\n${line}\n\n\0`]);
      expectError(error, 'STOMP_ERR_ILLEGAL_HEADER', `Illegal header: '${'x'.repeat(80)}...'`);
    });

    it.each(['abc', '-1', '1.5', '', ' 3', '3 ', '0x10', '1e3', '9'.repeat(16)])('rejects content-length %j', (value) => {
      const error = decodeError([`SEND\ncontent-length:${value}\n\nabc\0`]);
      expectError(error, 'STOMP_ERR_BAD_CONTENT_LENGTH', `Invalid 'content-length' header value '${value}': expected a number of bytes`);
    });

    it('rejects a content-length body that is not followed by a NUL', () => {
      const error = decodeError(['SEND\ncontent-length:2\n\nabc\0']);
      expectError(error, 'STOMP_ERR_MISSING_NULL', /^Frame must be terminated with a null octet/);
      expect(error.message).toContain('2 bytes');
    });

    it('rejects a missing NUL as soon as the byte after the body arrives', () => {
      const { decoder, events } = decoderFor();
      decoder.push('SEND\ncontent-length:2\n\nab');
      expect(events).toEqual([]);
      decoder.push('\n');
      expect(events).toHaveLength(1);
      expect((events[0] as { error: StompProtocolError }).error.code).toBe('STOMP_ERR_MISSING_NULL');
    });

    it.each([
      ['in a header', 'SEND\ndesti\0nation:/a\n\n\0'],
      ['at the end of the command', 'SEND\0'],
      ['before the blank line', 'SEND\ndestination:/a\0'],
      ['right after the command line', 'DISCONNECT\n\0'],
    ])('rejects a NUL %s', (_name, data) => {
      const error = decodeError([data]);
      expectError(error, 'STOMP_ERR_UNEXPECTED_NULL', 'Frame ended (NUL octet) before the blank line that ends its headers');
    });

    it('delivers the good frames before the bad one', () => {
      const events = decode(['SEND\n\na\0\nSEND\nbad\n\n\0SEND\n\nb\0']);
      expect(events.slice(0, 2)).toEqual([frame('SEND', {}, 'a'), HEARTBEAT]);
      expect(events).toHaveLength(3);
      expect((events[2] as { error: StompProtocolError }).error.code).toBe('STOMP_ERR_ILLEGAL_HEADER');
    });

    it('ignores the rest of the chunk and all later input after an error', () => {
      const { decoder, events } = decoderFor();
      decoder.push('SEND\ncontent-length:x\n\n\0SEND\n\nlater\0\n');
      expect(events).toHaveLength(1);
      expect(decoder.bufferedBytes).toBe(0);
      decoder.push('SEND\n\nmore\0');
      decoder.push('\n\r\n');
      decoder.push('SEND\nbad\n\n\0');
      expect(events).toHaveLength(1);
      expect(decoder.bufferedBytes).toBe(0);
    });
  });

  describe('version changes', () => {
    const connected = 'CONNECTED\nversion:1.0\nserver:x\\y\n\n\0';
    const message = 'MESSAGE\nsubscription:a\\cb\ndestination:/t\n\n\0';

    it('applies a version set in onFrame to the next frame of the same chunk', () => {
      const events = decode([connected + message], {
        onFrame: (f, decoder) => {
          if (f.command === 'CONNECTED') decoder.version = f.headers['version'] as StompVersion;
        },
      });
      expect(events).toEqual([
        frame('CONNECTED', { version: '1.0', server: 'x\\y' }),
        frame('MESSAGE', { subscription: 'a\\cb', destination: '/t' }),
      ]);
    });

    it('keeps unescaping (1.2 default) when the version is not changed', () => {
      expect(decode([connected + message])[1]).toEqual(frame('MESSAGE', { subscription: 'a:b', destination: '/t' }));
    });

    it('applies a switch to 1.1 to the next frame of the same chunk, rejecting its \\r escape', () => {
      const events = decode(['CONNECTED\nversion:1.1\n\n\0MESSAGE\nk:\\r\n\n\0'], {
        onFrame: (f, decoder) => {
          if (f.command === 'CONNECTED') decoder.version = '1.1';
        },
      });
      expect(events[0]).toEqual(frame('CONNECTED', { version: '1.1' }));
      expect((events[1] as { error: StompProtocolError }).error.code).toBe('STOMP_ERR_ILLEGAL_ESCAPE');
    });

    it('applies the version to a frame whose headers were split across chunks', () => {
      const { decoder, events } = decoderFor({ version: '1.0' });
      decoder.push('MESSAGE\nk:a\\');
      decoder.version = '1.2';
      decoder.push('cb\n\n\0');
      expect(events).toEqual([frame('MESSAGE', { k: 'a:b' })]);
    });
  });
});

/** Cheap structural comparison for the loops; on a mismatch the test re-checks with toEqual for a readable diff. */
function sameEvents(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
