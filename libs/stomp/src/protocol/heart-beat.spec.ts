import { StompProtocolError } from '../errors/stomp-protocol.error.js';
import { negotiateHeartBeat, NO_HEART_BEAT, parseHeartBeat, type HeartBeat } from './heart-beat.js';

describe('heart-beating', () => {
  describe('parseHeartBeat', () => {
    it('reads no header as no heart-beating', () => {
      expect(parseHeartBeat(undefined)).toEqual([0, 0]);
      expect(parseHeartBeat(undefined)).toBe(NO_HEART_BEAT);
    });

    it.each([
      ['0,0', [0, 0]],
      ['10000,5000', [10000, 5000]],
      ['0,1000', [0, 1000]],
      [' 10 , 20 ', [10, 20]],
      ['007,08', [7, 8]],
      ['999999999,1', [999999999, 1]],
    ])('reads %j', (header, expected) => {
      expect(parseHeartBeat(header)).toEqual(expected);
    });

    it.each(['', '10', '10,', ',10', 'a,b', '-1,0', '1.5,2', '10,20,30', '10;20', '1234567890,0', '0,1234567890', '1e3,0'])(
      'rejects %j',
      (header) => {
        let thrown: unknown;
        try {
          parseHeartBeat(header);
        } catch (error) {
          thrown = error;
        }
        expect(thrown).toBeInstanceOf(StompProtocolError);
        const error = thrown as StompProtocolError;
        expect(error.code).toBe('STOMP_ERR_BAD_HEART_BEAT');
        expect(error.message).toBe(`Invalid 'heart-beat' header '${header}': expected two integers, e.g. 10000,10000`);
      },
    );
  });

  describe('negotiateHeartBeat', () => {
    it.each([
      // client [cx, cy], server [sx, sy], grace, sendInterval, receiveTimeout
      ['both sides disabled', [0, 0], [0, 0], 1, 0, 0],
      ['client sends nothing and wants nothing', [0, 0], [10000, 10000], 1.5, 0, 0],
      ['server sends nothing and wants nothing', [10000, 10000], [0, 0], 1.5, 0, 0],
      ['equal intervals', [10000, 10000], [10000, 10000], 1, 10000, 10000],
      // server writes every max(sx, cy); expects the client every max(cx, sy)
      ['the larger value wins in each direction', [4000, 6000], [5000, 3000], 1, 6000, 4000],
      ['the larger value wins the other way round', [6000, 4000], [3000, 5000], 1, 4000, 6000],
      ['client cannot send (cx = 0): server expects nothing', [0, 2000], [1000, 1000], 1, 2000, 0],
      ['client does not want beats (cy = 0): server sends none', [2000, 0], [1000, 1000], 1, 0, 2000],
      ['server cannot send (sx = 0)', [1000, 1000], [0, 3000], 1, 0, 3000],
      ['server does not want beats (sy = 0)', [1000, 1000], [3000, 0], 1, 3000, 0],
      ['grace factor stretches the receive timeout only', [10000, 10000], [5000, 5000], 1.5, 10000, 15000],
      ['grace factor result is rounded to whole ms', [333, 0], [0, 1], 1.5, 0, 500],
    ] as Array<[string, HeartBeat, HeartBeat, number, number, number]>)('%s', (_name, client, server, grace, sendInterval, receiveTimeout) => {
      expect(negotiateHeartBeat(client, server, grace)).toEqual({ sendInterval, receiveTimeout });
    });

    it('agrees on what the spec example describes', () => {
      // STOMP 1.2: CONNECT heart-beat:0,1000 + CONNECTED heart-beat:1000,0 → server beats every 1000 ms
      expect(negotiateHeartBeat(parseHeartBeat('0,1000'), parseHeartBeat('1000,0'), 2)).toEqual({ sendInterval: 1000, receiveTimeout: 0 });
    });
  });
});
