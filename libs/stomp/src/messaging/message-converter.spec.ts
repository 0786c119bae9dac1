import { StompMessageConversionError } from '../errors/stomp-message-conversion.error.js';
import { BINARY_CONTENT_TYPE, JSON_CONTENT_TYPE } from '../protocol/content-types.js';
import { MessageConverter } from './message-converter.js';

const utf8 = (text: string) => Buffer.from(text, 'utf8');

describe('MessageConverter', () => {
  const converter = new MessageConverter();

  describe('fromMessage', () => {
    it.each([undefined, 'application/json', 'application/json;charset=UTF-8', 'APPLICATION/JSON; Charset=utf-8', 'application/vnd.x+json', 'Application/JSON'])(
      'parses JSON for content-type %p',
      (contentType) => {
        const payload = converter.fromMessage(contentType, utf8('{"text":"héllo","n":[1,2]}'), '/app/chat');
        expect(payload).toEqual({ text: 'héllo', n: [1, 2] });
      },
    );

    it('parses JSON scalars', () => {
      expect(converter.fromMessage(undefined, utf8('42'), '/app/x')).toBe(42);
      expect(converter.fromMessage(undefined, utf8('"str"'), '/app/x')).toBe('str');
      expect(converter.fromMessage('application/json', utf8('null'), '/app/x')).toBeNull();
      expect(converter.fromMessage('application/json', utf8('false'), '/app/x')).toBe(false);
    });

    it('turns an empty JSON body into undefined', () => {
      expect(converter.fromMessage(undefined, Buffer.alloc(0), '/app/x')).toBeUndefined();
      expect(converter.fromMessage('application/json', Buffer.alloc(0), '/app/x')).toBeUndefined();
    });

    it.each([undefined, 'application/json', 'application/vnd.x+json'])(
      'rejects invalid JSON (content-type %p) with StompMessageConversionError naming the destination',
      (contentType) => {
        let thrown: unknown;
        try {
          converter.fromMessage(contentType, utf8('{not json'), '/app/orders.place');
        } catch (error) {
          thrown = error;
        }
        expect(thrown).toBeInstanceOf(StompMessageConversionError);
        const error = thrown as StompMessageConversionError;
        expect(error.code).toBe('STOMP_ERR_MESSAGE_CONVERSION');
        expect(error.message).toContain("'/app/orders.place'");
        expect(error.message).toMatch(/not valid JSON/);
      },
    );

    it.each(['text/plain', 'text/plain;charset=UTF-8', 'TEXT/HTML', ' text/csv'])('returns a string for %p', (contentType) => {
      const payload = converter.fromMessage(contentType, utf8('héllo {not json}'), '/app/x');
      expect(payload).toBe('héllo {not json}');
    });

    it('decodes text and JSON in the charset their content type names', () => {
      expect(converter.fromMessage('text/plain;charset=ISO-8859-1', Buffer.from([0x68, 0xe9]), '/app/x')).toBe('hé');
      expect(converter.fromMessage('application/json; charset=UTF-16LE', Buffer.from('{"a":"é"}', 'utf16le'), '/app/x')).toEqual({ a: 'é' });
    });

    it('refuses a charset it cannot decode with StompMessageConversionError naming the destination', () => {
      expect(() => converter.fromMessage('application/json;charset=klingon', utf8('{}'), '/app/x')).toThrow(
        expect.objectContaining({ code: 'STOMP_ERR_MESSAGE_CONVERSION', message: expect.stringContaining("'/app/x'") }),
      );
    });

    it('returns an empty string for an empty text body', () => {
      expect(converter.fromMessage('text/plain', Buffer.alloc(0), '/app/x')).toBe('');
    });

    it.each(['application/octet-stream', 'image/png'])('returns the body Buffer for %p', (contentType) => {
      const body = Buffer.from([0, 1, 0xff, 0x7b]);
      const payload = converter.fromMessage(contentType, body, '/app/x');
      expect(Buffer.isBuffer(payload)).toBe(true);
      expect(Buffer.compare(payload as Buffer, body)).toBe(0);
    });
  });

  describe('toMessage', () => {
    it('sends a Buffer as is, as application/octet-stream', () => {
      const payload = Buffer.from([1, 2, 3, 0]);
      const { body, contentType } = converter.toMessage(payload);
      expect(contentType).toBe(BINARY_CONTENT_TYPE);
      expect(Buffer.compare(body, payload)).toBe(0);
    });

    it('sends a Uint8Array as a Buffer, as application/octet-stream', () => {
      const payload = new Uint8Array([9, 8, 7]);
      const { body, contentType } = converter.toMessage(payload);
      expect(contentType).toBe(BINARY_CONTENT_TYPE);
      expect(Buffer.isBuffer(body)).toBe(true);
      expect([...body]).toEqual([9, 8, 7]);
    });

    it('sends a string as UTF-8 text', () => {
      const { body, contentType } = converter.toMessage('héllo');
      expect(contentType).toBe('text/plain;charset=UTF-8');
      expect(body.equals(utf8('héllo'))).toBe(true);
      expect(body.length).toBe(6);
    });

    it("sends an object as JSON, typed as Spring types it", () => {
      const { body, contentType } = converter.toMessage({ a: 1, b: ['x'], c: null });
      expect(contentType).toBe('application/json;charset=UTF-8');
      expect(body.toString('utf8')).toBe('{"a":1,"b":["x"],"c":null}');
    });

    it('sends numbers, booleans and null as JSON', () => {
      expect(converter.toMessage(42)).toEqual({ body: utf8('42'), contentType: JSON_CONTENT_TYPE });
      expect(converter.toMessage(-1.5).body.toString()).toBe('-1.5');
      expect(converter.toMessage(true).body.toString()).toBe('true');
      expect(converter.toMessage(null).body.toString()).toBe('null');
    });

    it('sends undefined as JSON null', () => {
      const { body, contentType } = converter.toMessage(undefined);
      expect(contentType).toBe(JSON_CONTENT_TYPE);
      expect(body.toString()).toBe('null');
    });

    it('round-trips through fromMessage', () => {
      for (const payload of [{ nested: { list: [1, 'two', { three: 3 }] } }, 'text', Buffer.from([5, 6])]) {
        const { body, contentType } = converter.toMessage(payload);
        expect(converter.fromMessage(contentType, body, '/app/x')).toEqual(payload);
      }
    });
  });
});
