import { StompEncodingError } from '../errors/stomp-encoding.error.js';
import { StompError } from '../errors/stomp.error.js';
import { decodeOne } from './decode-one.testing.js';
import { encodeFrame, encodeHeaderBlock, encodePlainFrame, type OutgoingFrame } from './frame-encoder.js';
import type { StompVersion } from './stomp-version.js';


function encodingError(frame: OutgoingFrame, version: StompVersion): StompEncodingError {
  let thrown: unknown;
  try {
    encodeFrame(frame, version);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(StompEncodingError);
  expect(thrown).toBeInstanceOf(StompError);
  const error = thrown as StompEncodingError;
  expect(error.code).toBe('STOMP_ERR_UNENCODABLE_HEADER');
  expect(error.name).toBe('StompEncodingError');
  return error;
}

describe('encodeFrame', () => {
  describe('frame layout', () => {
    it('writes command, headers, content-length, blank line, body and NUL', () => {
      const out = encodeFrame({ command: 'SEND', headers: { destination: '/queue/a', 'content-type': 'text/plain' }, body: 'hi' }, '1.2');
      expect(out.toString('utf8')).toBe('SEND\ndestination:/queue/a\ncontent-type:text/plain\ncontent-length:2\n\nhi\0');
    });

    it('writes a frame without headers or body', () => {
      expect(encodeFrame({ command: 'DISCONNECT' }, '1.2').toString('utf8')).toBe('DISCONNECT\n\n\0');
    });

    it('omits content-length for an empty body', () => {
      expect(encodeFrame({ command: 'SEND', headers: { destination: '/a' }, body: '' }, '1.2').toString()).toBe('SEND\ndestination:/a\n\n\0');
      expect(encodeFrame({ command: 'MESSAGE', body: Buffer.alloc(0) }, '1.2').toString()).toBe('MESSAGE\n\n\0');
    });

    it('skips undefined headers and writes numbers in decimal', () => {
      const out = encodeFrame({ command: 'RECEIPT', headers: { 'receipt-id': 42, skipped: undefined, zero: 0 } }, '1.2');
      expect(out.toString()).toBe('RECEIPT\nreceipt-id:42\nzero:0\n\n\0');
    });
  });

  describe('content-length', () => {
    it('counts UTF-8 bytes, not characters', () => {
      const out = encodeFrame({ command: 'SEND', body: 'é€😀' }, '1.2');
      expect(out.toString('utf8')).toBe('SEND\ncontent-length:9\n\né€😀\0');
    });

    it("replaces the caller's content-length with the real one", () => {
      const out = encodeFrame({ command: 'SEND', headers: { 'content-length': 999, destination: '/a' }, body: 'abc' }, '1.2');
      expect(out.toString()).toBe('SEND\ndestination:/a\ncontent-length:3\n\nabc\0');
    });

    it("drops the caller's content-length when the body is empty", () => {
      expect(encodeFrame({ command: 'SEND', headers: { 'content-length': '5' } }, '1.2').toString()).toBe('SEND\n\n\0');
    });

    it('lets a body contain NUL, LF and CRLF, which decode back exactly', () => {
      const body = 'a\0b\nc\r\nd\0';
      const out = encodeFrame({ command: 'SEND', headers: { destination: '/a' }, body }, '1.2');
      const decoded = decodeOne(out, '1.2');
      expect(decoded.body.toString('utf8')).toBe(body);
      expect(decoded.headers['content-length']).toBe(String(Buffer.byteLength(body)));
    });

    it('writes a binary body byte for byte', () => {
      const body = Buffer.from(Array.from({ length: 256 }, (_, i) => 255 - i));
      const out = encodeFrame({ command: 'MESSAGE', headers: { destination: '/a' }, body }, '1.2');
      const head = 'MESSAGE\ndestination:/a\ncontent-length:256\n\n';
      expect(out.subarray(0, head.length).toString()).toBe(head);
      expect(out.subarray(head.length, head.length + 256).equals(body)).toBe(true);
      expect(out.length).toBe(head.length + 257);
      expect(out[out.length - 1]).toBe(0);
      expect(decodeOne(out, '1.2').body.equals(body)).toBe(true);
    });
  });

  describe('header escaping', () => {
    const headers = { 'a:b\\c': 'x:y\\z\nw' };

    it('escapes \\\\, \\n and : in STOMP 1.1, in names and values', () => {
      expect(encodeFrame({ command: 'MESSAGE', headers }, '1.1').toString()).toBe('MESSAGE\na\\cb\\\\c:x\\cy\\\\z\\nw\n\n\0');
    });

    it('also escapes \\r in STOMP 1.2', () => {
      expect(encodeFrame({ command: 'MESSAGE', headers: { 'k\r': 'v\r\n' } }, '1.2').toString()).toBe('MESSAGE\nk\\r:v\\r\\n\n\n\0');
    });

    it('escapes nothing in STOMP 1.0', () => {
      expect(encodeFrame({ command: 'MESSAGE', headers: { k: 'x:y\\z' } }, '1.0').toString()).toBe('MESSAGE\nk:x:y\\z\n\n\0');
    });

    it.each(['1.1', '1.2'] as const)('escapes headers in STOMP %s so that they decode back', (version) => {
      const decoded = decodeOne(encodeFrame({ command: 'MESSAGE', headers }, version), version);
      expect({ ...decoded.headers }).toEqual(headers);
    });

    it.each(['CONNECT', 'STOMP', 'CONNECTED'])('does not escape %s frames, even in STOMP 1.2', (command) => {
      const out = encodeFrame({ command, headers: { server: 'nest-stomp:1.0', path: 'a\\b' } }, '1.2');
      expect(out.toString()).toBe(`${command}\nserver:nest-stomp:1.0\npath:a\\b\n\n\0`);
      expect({ ...decodeOne(out, '1.2').headers }).toEqual({ server: 'nest-stomp:1.0', path: 'a\\b' });
    });
  });

  describe('unencodable frames', () => {
    it.each([
      ['a LF in a value', { k: 'a\nb' }],
      ['a CR in a value', { k: 'a\rb' }],
      ['a LF in a name', { 'k\n': 'v' }],
      ['a colon in a name', { 'a:b': 'v' }],
    ])('rejects %s in STOMP 1.0', (_name, headers) => {
      const error = encodingError({ command: 'SEND', headers }, '1.0');
      const name = Object.keys(headers)[0]!;
      expect(error.message).toBe(
        `Header '${name}' of a SEND frame cannot be written in STOMP 1.0: line breaks (and a colon in a name) are only allowed where the version escapes headers, and NUL octets nowhere`,
      );
    });

    it.each([
      ['a LF', { k: 'a\nb' }],
      ['a CR', { k: 'a\rb' }],
      ['a colon in a name', { 'a:b': 'v' }],
    ])('rejects %s in a CONNECTED header even in STOMP 1.2', (_name, headers) => {
      const error = encodingError({ command: 'CONNECTED', headers }, '1.2');
      expect(error.message).toContain('of a CONNECTED frame cannot be written in STOMP 1.2');
    });

    it('rejects a CR in STOMP 1.1, which has no escape for it', () => {
      expect(encodingError({ command: 'MESSAGE', headers: { k: 'a\r' } }, '1.1').message).toContain("Header 'k' of a MESSAGE frame");
    });

    it.each(['1.0', '1.1', '1.2'] as const)('rejects an empty header name in STOMP %s', (version) => {
      encodingError({ command: 'SEND', headers: { '': 'v' } }, version);
    });

    it.each(['1.0', '1.1', '1.2'] as const)('rejects a NUL octet in a header in STOMP %s, which would end the frame', (version) => {
      encodingError({ command: 'MESSAGE', headers: { k: 'a\0b' } }, version);
      encodingError({ command: 'MESSAGE', headers: { 'k\0': 'v' } }, version);
      encodingError({ command: 'CONNECTED', headers: { k: '\0' } }, version);
    });

    it.each(['SUBSCRIBE', 'UNSUBSCRIBE', 'ACK', 'CONNECT', 'CONNECTED', 'RECEIPT', 'DISCONNECT'])('rejects a body on a %s frame', (command) => {
      const error = encodingError({ command, body: 'x' }, '1.2');
      expect(error.message).toBe(`A ${command} frame cannot carry a body`);
      expect(() => encodeFrame({ command, body: Buffer.from([0]) }, '1.2')).toThrow(StompEncodingError);
    });

    it.each(['SEND', 'MESSAGE', 'ERROR'])('allows a body on a %s frame', (command) => {
      expect(decodeOne(encodeFrame({ command, body: 'x' }, '1.2'), '1.2').body.toString()).toBe('x');
    });

    it('allows an empty body on any frame', () => {
      expect(encodeFrame({ command: 'RECEIPT', headers: { 'receipt-id': '1' }, body: '' }, '1.2').toString()).toBe('RECEIPT\nreceipt-id:1\n\n\0');
    });
  });
});

describe('encodeHeaderBlock', () => {
  it('writes the command and header lines without the blank line or content-length', () => {
    expect(encodeHeaderBlock('MESSAGE', { destination: '/a:b', 'content-length': 3 }, '1.2')).toBe('MESSAGE\ndestination:/a\\cb\n');
  });

  it('writes only the command line without headers', () => {
    expect(encodeHeaderBlock('RECEIPT', undefined, '1.2')).toBe('RECEIPT\n');
  });
});

describe('encodePlainFrame', () => {
  const versions: StompVersion[] = ['1.0', '1.1', '1.2'];

  it.each([
    ['RECEIPT', { 'receipt-id': 'r-17' }],
    ['CONNECTED', { version: '1.2', 'heart-beat': '0,0', session: '3f2b8c1e-0b1a-4c6e-9f7d-2a5e8b9c0d1f', server: 'nest-stomp', 'user-name': 'zoë' }],
    ['RECEIPT', { 'receipt-id': 'r', skipped: undefined, 'content-length': '12', count: 3 }],
    ['DISCONNECT', {}],
  ] as const)('writes %s as encodeFrame does in every version', (command, headers) => {
    for (const version of versions) expect(encodePlainFrame(command, headers)).toEqual(encodeFrame({ command, headers }, version));
  });

  it.each(['a:b', 'a\\b', 'a\nb', 'a\rb', 'a\0b'])('leaves a header holding %j to encodeFrame', (text) => {
    expect(encodePlainFrame('RECEIPT', { 'receipt-id': text })).toBeUndefined();
    expect(encodePlainFrame('RECEIPT', { [text]: 'x' })).toBeUndefined();
    expect(encodePlainFrame('RECEIPT', { '': 'x' })).toBeUndefined();
  });
});
