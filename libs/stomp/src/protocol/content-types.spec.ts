import {
  BINARY_CONTENT_TYPE,
  isJsonContentType,
  isTextContentType,
  JSON_CONTENT_TYPE,
  TEXT_CONTENT_TYPE,
} from './content-types.js';

describe('content types', () => {
  it('names the default types', () => {
    expect(JSON_CONTENT_TYPE).toBe('application/json');
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
});
