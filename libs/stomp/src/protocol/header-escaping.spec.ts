import { escapedHeaderLength, escapeHeaderText, isEncodableHeaderText, unescapeHeaderText, writeEscapedHeader } from './header-escaping.js';
import type { StompVersion } from './stomp-version.js';

describe('header escaping', () => {
  describe('escapeHeaderText', () => {
    it.each([
      ['1.2', 'plain', 'plain'],
      ['1.2', 'a\\b', 'a\\\\b'],
      ['1.2', 'a\nb', 'a\\nb'],
      ['1.2', 'a:b', 'a\\cb'],
      ['1.2', 'a\rb', 'a\\rb'],
      ['1.2', '\\\r\n:', '\\\\\\r\\n\\c'],
      ['1.2', '::', '\\c\\c'],
      ['1.1', 'a\\b\nc:d', 'a\\\\b\\nc\\cd'],
      ['1.1', 'a\rb', 'a\rb'], // 1.1 defines no \r escape; isEncodableHeaderText refuses such text
      ['1.0', 'a\\b\nc:d\re', 'a\\b\nc:d\re'],
      ['1.2', 'é€😀\t', 'é€😀\t'],
    ] as Array<[StompVersion, string, string]>)('STOMP %s escapes %j as %j', (version, text, escaped) => {
      expect(escapeHeaderText(text, version)).toBe(escaped);
    });
  });

  describe('unescapeHeaderText', () => {
    it.each([
      ['1.2', 'a\\\\b', 'a\\b'],
      ['1.2', 'a\\nb', 'a\nb'],
      ['1.2', 'a\\cb', 'a:b'],
      ['1.2', 'a\\rb', 'a\rb'],
      ['1.2', '\\\\n', '\\n'], // an escaped backslash followed by a plain n
      ['1.2', '\\\\\\n', '\\\n'],
      ['1.1', '\\\\\\n\\c', '\\\n:'],
      ['1.0', 'a\\nb\\c\\r\\t\\', 'a\\nb\\c\\r\\t\\'],
      ['1.2', 'raw:colon', 'raw:colon'],
    ] as Array<[StompVersion, string, string]>)('STOMP %s unescapes %j as %j', (version, text, unescaped) => {
      expect(unescapeHeaderText(text, version)).toBe(unescaped);
    });

    it.each([
      ['1.2', 'a\\tb'],
      ['1.2', 'a\\'],
      ['1.2', '\\N'],
      ['1.2', '\\C'],
      ['1.2', '\\ '],
      ['1.2', '\\\\\\'],
      ['1.1', 'a\\rb'],
      ['1.1', '\\t'],
    ] as Array<[StompVersion, string]>)('STOMP %s treats %j as an undefined escape', (version, text) => {
      expect(unescapeHeaderText(text, version)).toBeUndefined();
    });

    it.each(['1.1', '1.2'] as const)('STOMP %s reverses escapeHeaderText', (version) => {
      const samples = ['', '\\', '\\\\', ':', '\n', '\\n', '\\c', 'a:b\\c\nd', 'é:😀\\', '\\\\\\n\n::'];
      if (version === '1.2') samples.push('\r', '\r\n', '\\r');
      for (const text of samples) expect(unescapeHeaderText(escapeHeaderText(text, version), version)).toBe(text);
    });
  });

  describe('isEncodableHeaderText', () => {
    it.each([
      // text, version, isName, escaped, encodable
      ['v', '1.0', false, true, true],
      ['a:b', '1.0', false, true, true],
      ['a:b', '1.0', true, true, false],
      ['a\nb', '1.0', false, true, false],
      ['a\rb', '1.0', false, true, false],
      ['a\nb', '1.1', false, true, true],
      ['a:b', '1.1', true, true, true],
      ['a\rb', '1.1', false, true, false],
      ['a\rb', '1.2', false, true, true],
      ['a\nb', '1.2', true, true, true],
      // unescaped CONNECT/CONNECTED headers: like 1.0, whatever the version
      ['a\nb', '1.2', false, false, false],
      ['a\rb', '1.2', false, false, false],
      ['a:b', '1.2', true, false, false],
      ['a:b', '1.2', false, false, true],
      // names without a colon pass where a colon would not
      ['login', '1.2', true, false, true],
      ['k', '1.0', true, true, true],
      // empty names never; empty values always
      ['', '1.2', true, true, false],
      ['', '1.0', true, false, false],
      ['', '1.2', false, true, true],
      // NUL would end the frame: never
      ['a\0b', '1.2', false, true, false],
      ['a\0b', '1.1', true, true, false],
      ['\0', '1.0', false, true, false],
      ['\0', '1.2', false, false, false],
    ] as Array<[string, StompVersion, boolean, boolean, boolean]>)(
      '%j in STOMP %s (name: %s, escaped: %s) is encodable: %s',
      (text, version, isName, escaped, encodable) => {
        expect(isEncodableHeaderText(text, version, isName, escaped)).toBe(encodable);
      },
    );
  });
  describe('escapedHeaderLength and writeEscapedHeader', () => {
    const texts = ['', 'plain', '/topic/reply/7', 'a:b', 'back\\slash', 'line\nend', 'cr\rlf', ':\\\r\n:', 'héllo:wörld', '日本\n語', '\ud83d\ude00:x', 'lone \ud800 surrogate'];
    it.each(['1.0', '1.1', '1.2'] as StompVersion[])('write the bytes of escapeHeaderText in STOMP %s', (version) => {
      for (const text of texts) {
        const expected = Buffer.from(escapeHeaderText(text, version), 'utf8');
        expect([text, escapedHeaderLength(text, version)]).toEqual([text, expected.length]);
        const out = Buffer.alloc(expected.length + 4, 0xff);
        const written = writeEscapedHeader(out, text, version, 2);
        expect([text, written, out.subarray(2, 2 + written).toString('hex')]).toEqual([text, expected.length, expected.toString('hex')]);
        expect(out.subarray(0, 2).toString('hex')).toBe('ffff');
      }
    });
  });
});
