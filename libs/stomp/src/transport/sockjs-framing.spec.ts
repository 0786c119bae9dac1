import { createRequire } from 'node:module';
import { closeFrame, messageFrame, parseClientMessages, quoteSockJs } from './sockjs-framing.js';
import { SockJsMessageFrames } from './sockjs-message-frames.js';

/** The `sockjs` package's own quoting, which SockJS clients have always decoded. */
const sockJsUtils = createRequire(import.meta.url)('sockjs/lib/utils.js') as { quote(text: string): string };

describe('SockJS framing', () => {
  it('quotes every UTF-16 code unit exactly as sockjs does', () => {
    const differing: number[] = [];
    for (let unit = 0; unit < 0x10000; unit++) {
      const text = `x${String.fromCharCode(unit)}y`;
      if (quoteSockJs(text) !== sockJsUtils.quote(text)) differing.push(unit);
    }
    expect(differing).toEqual([]);
  });

  it('quotes STOMP frames with quotes, backslashes, controls, U+2028 and characters beyond the BMP as sockjs does', () => {
    const texts = [
      'MESSAGE\ndestination:/topic/a\n\n"quoted" \\ back\\slash\0',
      '\u0001\u001f\t\r\n\u2028\u2029\u200c\u2060\ufeff\uffff',
      'emoji 😀 and 𝄞, é, 中文',
      '\ud800 lone \udc00 halves',
      '',
    ];
    for (const text of texts) expect(quoteSockJs(text)).toBe(sockJsUtils.quote(text));
    expect(quoteSockJs('😀\u2028')).toBe('"\\ud83d\\ude00\\u2028"');
  });

  it('decodes back to the text it framed', () => {
    const text = 'SEND\n\n"\\\u0000\u2028😀é\0';
    const frame = messageFrame(text).toString('utf8');
    expect(frame.startsWith('a[')).toBe(true);
    expect(JSON.parse(frame.slice(1))).toEqual([text]);
  });

  it("writes the close frame as sockjs's closeFrame", () => {
    expect(closeFrame(4500, 'Too many "connections"').toString()).toBe('c[4500,"Too many \\"connections\\""]');
  });

  it('reads an array of strings or a single string; anything else is broken framing', () => {
    expect(parseClientMessages('["a","b\\u0000"]')).toEqual(['a', 'b\0']);
    expect(parseClientMessages('"one"')).toEqual(['one']);
    expect(parseClientMessages('[]')).toEqual([]);
    expect(parseClientMessages('["a"')).toBeUndefined();
    expect(parseClientMessages('not json')).toBeUndefined();
    expect(parseClientMessages('[1]')).toBeUndefined();
    expect(parseClientMessages('{"a":"b"}')).toBeUndefined();
    expect(parseClientMessages('null')).toBeUndefined();
  });
});

describe('SockJsMessageFrames', () => {
  it('frames a payload once for every session that sends the same Buffer, and again for another Buffer', () => {
    const frames = new SockJsMessageFrames();
    const shared = Buffer.from('MESSAGE\n\nhi\0');
    const first = frames.frameOf(shared);
    expect(frames.frameOf(shared)).toBe(first);
    const other = frames.frameOf(Buffer.from('MESSAGE\n\nhi\0'));
    expect(other).not.toBe(first);
    expect(other.equals(first)).toBe(true);
    expect(first.toString()).toBe('a["MESSAGE\\n\\nhi\\u0000"]');
  });
});
