import {
  BINARY_CONTENT_TYPE,
  charsetOf,
  decodeText,
  isJsonContentType,
  isTextContentType,
  JSON_CONTENT_TYPE,
  TEXT_CONTENT_TYPE,
} from './content-types.js';

describe('content types', () => {
  it("names the default types as Spring writes them", () => {
    expect(JSON_CONTENT_TYPE).toBe('application/json;charset=UTF-8');
    expect(TEXT_CONTENT_TYPE).toBe('text/plain;charset=UTF-8');
    expect(BINARY_CONTENT_TYPE).toBe('application/octet-stream');
  });

  describe('isTextContentType', () => {
    it.each([
      undefined,
      'text/plain',
      'text/html; charset=utf-8',
      'TEXT/PLAIN',
      'application/json',
      'application/json;charset=UTF-8',
      ' Application/JSON ',
      'application/vnd.acme+json',
      'application/xml',
      'application/atom+xml',
      'application/javascript',
      JSON_CONTENT_TYPE,
      TEXT_CONTENT_TYPE,
    ])('%p is text', (contentType) => {
      expect(isTextContentType(contentType)).toBe(true);
    });

    it.each([BINARY_CONTENT_TYPE, 'image/png', 'application/pdf', 'application/jsonx', 'application/x-protobuf', 'video/text'])(
      '%p is binary',
      (contentType) => {
        expect(isTextContentType(contentType)).toBe(false);
      },
    );
  });

  describe('isJsonContentType', () => {
    it.each(['application/json', 'application/json; charset=utf-8', 'APPLICATION/JSON', 'application/vnd.x+json', 'application/problem+json'])(
      '%p is JSON',
      (contentType) => {
        expect(isJsonContentType(contentType)).toBe(true);
      },
    );

    it.each([undefined, 'text/plain', 'text/json-ish', 'application/jsonp', 'application/octet-stream', 'application/xml', 'application/json+xml'])(
      '%p is not JSON',
      (contentType) => {
        expect(isJsonContentType(contentType)).toBe(false);
      },
    );
  });

  describe('charsetOf', () => {
    it.each([
      ['application/json;charset=UTF-8', 'utf-8'],
      ['application/json; charset=utf-8', 'utf-8'],
      ['text/plain; format=flowed; CHARSET="ISO-8859-1"', 'iso-8859-1'],
      ['text/plain;charset=', undefined],
      ['application/json', undefined],
      [undefined, undefined],
    ])('%p names %p', (contentType, charset) => {
      expect(charsetOf(contentType)).toBe(charset);
    });
  });

  describe('decodeText', () => {
    it('reads UTF-8 when no charset is named', () => {
      expect(decodeText(Buffer.from('héllo', 'utf8'), 'text/plain')).toBe('héllo');
    });

    it('reads the charset named', () => {
      expect(decodeText(Buffer.from([0x68, 0xe9]), 'text/plain;charset=ISO-8859-1')).toBe('hé');
      expect(decodeText(Buffer.from('hé', 'utf16le'), 'application/json; charset=utf-16le')).toBe('hé');
    });

    it('throws for a charset Node cannot decode', () => {
      expect(() => decodeText(Buffer.from('x'), 'text/plain;charset=klingon')).toThrow(/klingon.*not supported/);
    });
  });
});
