import type { StompProtocolError } from '../errors/stomp-protocol.error.js';
import { FrameDecoder } from './frame-decoder.js';
import { LIMITS, decoderFor, decode, bytes, frame, decodeError, expectError } from './frame-decoder.testing.js';
import type { StompFrame } from './stomp-frame.js';
import type { StompVersion } from './stomp-version.js';

// Header escaping per STOMP version, repeated headers, and version changes between frames.
describe('FrameDecoder', () => {
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
