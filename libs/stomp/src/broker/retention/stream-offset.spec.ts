import { StompProtocolError } from '../../errors/stomp-protocol.error.js';
import { parseStreamOffset } from './stream-offset.js';

describe('parseStreamOffset', () => {
  it('reads every form of the header, next when absent', () => {
    expect(parseStreamOffset(undefined)).toEqual({ kind: 'next' });
    expect(parseStreamOffset('next')).toEqual({ kind: 'next' });
    expect(parseStreamOffset('first')).toEqual({ kind: 'first' });
    expect(parseStreamOffset('last')).toEqual({ kind: 'last' });
    expect(parseStreamOffset('offset=0')).toEqual({ kind: 'offset', offset: 0 });
    expect(parseStreamOffset('offset=42')).toEqual({ kind: 'offset', offset: 42 });
    expect(parseStreamOffset('timestamp=1764892800')).toEqual({ kind: 'timestamp', timestamp: 1764892800000 });
    expect(parseStreamOffset('timestamp=1764892800.25')).toEqual({ kind: 'timestamp', timestamp: 1764892800250 });
  });

  it.each(['', 'NEXT', 'offset=', 'offset=-1', 'offset=01', 'offset=1.5', 'offset=99999999999999999', 'timestamp=abc', 'timestamp=-5', 'later'])(
    "refuses '%s' with an error naming the header and the forms",
    (value) => {
      const error = (() => {
        try {
          parseStreamOffset(value);
        } catch (caught) {
          return caught;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(StompProtocolError);
      expect((error as StompProtocolError).code).toBe('STOMP_ERR_BAD_STREAM_OFFSET');
      expect((error as Error).message).toContain(`x-stream-offset header '${value}'`);
      expect((error as Error).message).toContain('offset=<n>');
    },
  );
});
