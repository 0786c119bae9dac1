import { StompProtocolError } from '../errors/stomp-protocol.error.js';

/** `[cx, cy]` or `[sx, sy]`: the smallest interval one can send at, and the one it wants to receive at. */
export type HeartBeat = readonly [send: number, receive: number];

export const NO_HEART_BEAT: HeartBeat = [0, 0];

/** Longest delay a Node timer takes (2^31 - 1 ms, about 24.8 days); beyond it, it fires at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export function parseHeartBeat(header: string | undefined): HeartBeat {
  if (header === undefined) return NO_HEART_BEAT;
  // Clients of one application send the same header on every connection: a storm of them parses it once.
  if (header === lastHeader) return lastHeartBeat;
  const match = /^\s*(\d{1,9})\s*,\s*(\d{1,9})\s*$/.exec(header);
  if (!match) {
    throw new StompProtocolError('STOMP_ERR_BAD_HEART_BEAT', `Invalid 'heart-beat' header '${header}': expected two integers, e.g. 10000,10000`);
  }
  lastHeartBeat = [Number(match[1]), Number(match[2])];
  lastHeader = header;
  return lastHeartBeat;
}

let lastHeader: string | undefined;
let lastHeartBeat: HeartBeat = NO_HEART_BEAT;

export interface NegotiatedHeartBeat {
  /** How often the server writes (ms); 0: never. */
  readonly sendInterval: number;
  /** How long the server waits for any byte before it gives up on the peer (ms); 0: forever. */
  readonly receiveTimeout: number;
}

/**
 * Heart-beat agreement (STOMP 1.1+ "Heart-beating"): the server sends every max(sx, cy) when both are
 * non-zero, and expects something from the client every max(cx, sy), allowing `graceFactor` times
 * that before it declares the connection dead.
 */
export function negotiateHeartBeat(client: HeartBeat, server: HeartBeat, graceFactor: number): NegotiatedHeartBeat {
  const [cx, cy] = client;
  const [sx, sy] = server;
  const sendInterval = sx > 0 && cy > 0 ? Math.max(sx, cy) : 0;
  const receiveInterval = cx > 0 && sy > 0 ? Math.max(cx, sy) : 0;
  // A peer may ask for any interval; Node timers cannot wait longer than MAX_TIMER_MS.
  return {
    sendInterval: Math.min(sendInterval, MAX_TIMER_MS),
    receiveTimeout: Math.min(Math.round(receiveInterval * graceFactor), MAX_TIMER_MS),
  };
}
