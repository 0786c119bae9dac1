import { StompProtocolError } from '../errors/stomp-protocol.error.js';
import type { StompFrame } from '../protocol/stomp-frame.js';
import { CloseCode } from './close-code.js';
import { closeReasonText, frameFailure, sessionFailure } from './error-frames.js';

const SEND: StompFrame = { command: 'SEND', headers: { destination: '/app/x', receipt: 'r-1' }, body: Buffer.alloc(0) };

describe('error → ERROR frame', () => {
  describe('sessionFailure', () => {
    it('says the message in the header and the body, and closes as a protocol error', () => {
      expect(sessionFailure(new StompProtocolError('STOMP_ERR_MISSING_HEADER', 'SEND frame must have a destination'), undefined)).toEqual({
        frame: {
          command: 'ERROR',
          headers: { message: 'SEND frame must have a destination', 'content-type': 'text/plain;charset=UTF-8' },
          body: 'SEND frame must have a destination',
        },
        closeCode: CloseCode.PROTOCOL_ERROR,
        reason: 'error',
      });
    });

    it('puts a multi-line message on one header line, keeping the body as it is', () => {
      const { frame } = sessionFailure(new Error('first\r\nsecond\n\nthird'), undefined);
      expect(frame.headers!.message).toBe('first second third');
      expect(frame.body).toBe('first\r\nsecond\n\nthird');
    });

    it('answers the receipt given, before the one the error carries', () => {
      const error = new StompProtocolError('STOMP_ERR_LIMIT', 'too many', { receiptId: 'from-error' });
      expect(sessionFailure(error, 'given').frame.headers!['receipt-id']).toBe('given');
      expect(sessionFailure(error, undefined).frame.headers!['receipt-id']).toBe('from-error');
      expect(sessionFailure(new Error('plain'), undefined).frame.headers).not.toHaveProperty('receipt-id');
    });

    it('names the versions the server speaks when the client offered none of them', () => {
      const { frame } = sessionFailure(new StompProtocolError('STOMP_ERR_UNSUPPORTED_VERSION', 'no common version'), undefined);
      expect(frame.headers!.version).toBe('1.2,1.1,1.0');
      expect(sessionFailure(new StompProtocolError('STOMP_ERR_LIMIT', 'x'), undefined).frame.headers).not.toHaveProperty('version');
    });

    it('closes with the code and reason it is given', () => {
      const failure = sessionFailure(new Error('late'), undefined, CloseCode.SESSION_LIMIT, 'slow-consumer');
      expect([failure.closeCode, failure.reason]).toEqual([4500, 'slow-consumer']);
    });
  });

  describe('frameFailure', () => {
    it('reports a protocol error as it is', () => {
      const error = new StompProtocolError('STOMP_ERR_UNKNOWN_DESTINATION', 'no such destination');
      expect(frameFailure(SEND, error)).toEqual({ error });
    });

    it('reports anything else as the frame having failed, and hands the cause over for the log', () => {
      const cause = new TypeError('handler bug');
      const { error, unexpected } = frameFailure(SEND, cause);
      expect(error.message).toBe('Failed to process SEND: handler bug');
      expect(unexpected).toBe(cause);
      expect(frameFailure(SEND, 'a string').error.message).toBe('Failed to process SEND: a string');
    });
  });

  it.each([
    ['error', 'STOMP protocol error'],
    ['client', 'client'],
    ['slow-consumer', 'slow-consumer'],
  ] as const)('closes a session ended for %s with reason %j', (reason, text) => {
    expect(closeReasonText(reason)).toBe(text);
  });
});
