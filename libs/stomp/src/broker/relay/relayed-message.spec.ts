import { decodeFrame } from '../../protocol/decode-frame.js';
import { encodeFrame } from '../../protocol/frame-encoder.js';
import { FrameDecoder } from '../../protocol/frame-decoder.js';
import type { StompFrame } from '../../protocol/stomp-frame.js';
import { relayedMessageBytes } from './relayed-message.js';

const LIMITS = { maxFrameSize: 65536, maxHeaders: 64, maxHeaderLineLength: 8192 };

/** Each frame the decoder reports, with a copy of its raw bytes. */
function decodeRaw(chunks: ReadonlyArray<string | Buffer>): Array<{ frame: StompFrame; raw: Buffer }> {
  const out: Array<{ frame: StompFrame; raw: Buffer }> = [];
  const decoder = new FrameDecoder({ onFrame: (frame, source) => out.push({ frame, raw: Buffer.from(source.frameBytes()) }), onHeartbeat: () => undefined, onError: (error) => { throw error; } }, LIMITS);
  for (const chunk of chunks) decoder.push(chunk);
  return out;
}

/** What the relay wrote before it forwarded bytes: the decoded frame without receipt, encoded again. */
function reencoded(frame: StompFrame): Buffer {
  const headers: Record<string, string> = {};
  for (const name in frame.headers) if (name !== 'receipt' && name !== 'content-length') headers[name] = frame.headers[name]!;
  return encodeFrame({ command: 'MESSAGE', headers, body: frame.body }, '1.2');
}

const FRAMES = [
  'MESSAGE\nsubscription:sub-0\ndestination:/topic/a\nmessage-id:T_1\nredelivered:false\nreceipt:r7\ncontent-type:application/json\ncontent-length:9\n\n{"n":"1"}\0',
  'MESSAGE\r\nsubscription:sub-0\r\nreceipt:r8\r\ndestination:/topic/a\r\nmessage-id:T_2\r\nreceipt:again\r\nreceipt-id:kept\r\n\r\nhello\0',
  'MESSAGE\nsubscription:sub-1\ndestination:/topic/a\nmessage-id:T_3\ncontent-length:0\nreceipt:r9\n\n\0',
  'MESSAGE\nsubscription:s\\cx\ndestination:/topic/new\\nline\nmessage-id:T_4\ncontent-length:3\n\na\0b\0',
  'MESSAGE\nsubscription:sub-0\ndestination:/topic/a\nmessage-id:T_5\n\n\0',
];

describe('relayedMessageBytes', () => {
  it.each(FRAMES.map((text) => [text]))('gives a 1.2 client what decoding and encoding again would: %j', (text) => {
    const [{ frame, raw }] = decodeRaw([text]) as [{ frame: StompFrame; raw: Buffer }];
    const bytes = relayedMessageBytes(raw, frame.body.length);
    const forwarded = decodeFrame(bytes, '1.2');
    const before = decodeFrame(reencoded(frame), '1.2');
    expect({ ...forwarded.headers }).toEqual({ ...before.headers });
    expect(forwarded.body.equals(before.body)).toBe(true);
    expect(bytes.toString('latin1')).not.toMatch(/(^|\n)receipt:/);
  });

  it('cuts receipt lines and an empty body\'s content-length, and adds a missing one', () => {
    const [{ frame, raw }] = decodeRaw([FRAMES[1]!]) as [{ frame: StompFrame; raw: Buffer }];
    expect(relayedMessageBytes(raw, frame.body.length).toString()).toBe('MESSAGE\r\nsubscription:sub-0\r\ndestination:/topic/a\r\nmessage-id:T_2\r\nreceipt-id:kept\r\ncontent-length:5\n\r\nhello\0');
    const [empty] = decodeRaw([FRAMES[2]!]) as [{ frame: StompFrame; raw: Buffer }];
    expect(relayedMessageBytes(empty.raw, 0).toString()).toBe('MESSAGE\nsubscription:sub-1\ndestination:/topic/a\nmessage-id:T_3\n\n\0');
    const [kept] = decodeRaw([FRAMES[0]!]) as [{ frame: StompFrame; raw: Buffer }];
    expect(relayedMessageBytes(kept.raw, kept.frame.body.length).toString()).toBe(FRAMES[0]!.replace('receipt:r7\n', ''));
  });

  it('returns a copy: the decoder may reuse the memory it lent', () => {
    const [{ frame, raw }] = decodeRaw([FRAMES[4]!]) as [{ frame: StompFrame; raw: Buffer }];
    const bytes = relayedMessageBytes(raw, frame.body.length);
    expect(bytes.equals(raw)).toBe(true);
    raw.fill(0);
    expect(bytes.toString()).toBe(FRAMES[4]);
  });
});

describe("the decoder's raw bytes", () => {
  it('lends bodies only when asked: by default each body is a copy of its own', () => {
    const chunk = Buffer.from(FRAMES[0]!);
    const bodies: Buffer[] = [];
    for (const lend of [false, true]) {
      new FrameDecoder({ onFrame: (frame) => bodies.push(frame.body), onHeartbeat: () => undefined, onError: (error) => { throw error; } }, LIMITS, lend).push(chunk);
    }
    chunk.fill(0x78);
    expect(bodies[0]!.toString()).toBe('{"n":"1"}');
    expect(bodies[1]!.toString()).toBe('x'.repeat(9));
  });


  it('are each frame from its command to its NUL, whatever the chunks and heart-beats around it', () => {
    const stream = `\n\r\n${FRAMES[0]}\n${FRAMES[1]}${FRAMES[3]}`;
    const chunked = [...Buffer.from(stream)].map((byte) => Buffer.from([byte]));
    for (const chunks of [[stream], chunked]) {
      expect(decodeRaw(chunks).map(({ raw }) => raw.toString())).toEqual([FRAMES[0], FRAMES[1], FRAMES[3]]);
    }
  });
});
