import type { StompProtocolError } from '../errors/stomp-protocol.error.js';
import { decoderFor, decode, bytes, frame, HEARTBEAT, decodeError, expectError } from './frame-decoder.testing.js';

// Malformed input: one error, then nothing more.
describe('FrameDecoder', () => {
  describe('protocol errors', () => {
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

    // The session answers the ERROR with the offending frame's receipt, once its headers were read.
    it("carries the receipt of the frame it rejects, once that frame's headers were read", () => {
      expect(decodeError(['SEND\nreceipt:r-1\ncontent-length:2\n\nabc\0']).receiptId).toBe('r-1');
      expect(decodeError(['SEND\nreceipt:r-1\nbad\n\n\0']).receiptId).toBeUndefined();
      // Nor the receipt of the frame before it.
      const events = decode(['SEND\nreceipt:r-1\n\n\0SEND\nbad\n\n\0']);
      expect(events[0]).toEqual(frame('SEND', { receipt: 'r-1' }));
      const { error } = events[1] as { error: StompProtocolError };
      expect(error.code).toBe('STOMP_ERR_ILLEGAL_HEADER');
      expect(error.receiptId).toBeUndefined();
    });

    // No input is known to make the parser throw anything else; this is the net under that promise.
    it('reports an unexpected fault inside the parser as STOMP_ERR_DECODER instead of throwing it', () => {
      const { decoder, events } = decoderFor();
      const fault = new RangeError('boom');
      Object.assign(decoder, {
        readHeaders: () => {
          throw fault;
        },
      });
      expect(() => decoder.push('SEND\n\n\0')).not.toThrow();
      expect(events).toHaveLength(1);
      const { error } = events[0] as { error: StompProtocolError };
      expectError(error, 'STOMP_ERR_DECODER', 'Malformed frame: boom');
      expect(error.cause).toBe(fault);
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
});
