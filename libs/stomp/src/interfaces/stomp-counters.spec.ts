import { HANDLER_DURATION_BUCKETS, HandlerTiming, StompCounters } from './stomp-counters.js';

describe('StompCounters', () => {
  it('counts by command, code and cause, starting each at its first', () => {
    const counters = new StompCounters();
    counters.frameReceived('SEND');
    counters.frameReceived('SEND');
    counters.frameReceived('CONNECT');
    counters.frameSent('RECEIPT');
    counters.errorSent('STOMP_ERR_LIMIT');
    counters.sessionClosed('heart-beat', 10, 20);
    counters.sessionClosed('client', 1, 2);
    expect({ ...counters.framesReceived }).toEqual({ SEND: 2, CONNECT: 1 });
    expect({ ...counters.framesSent }).toEqual({ RECEIPT: 1 });
    expect({ ...counters.errors }).toEqual({ STOMP_ERR_LIMIT: 1 });
    expect({ ...counters.closes }).toEqual({ 'heart-beat': 1, client: 1 });
    expect([counters.closedBytesIn, counters.closedBytesOut]).toEqual([11, 22]);
  });

  it('keeps command names that are also Object.prototype members as plain counts', () => {
    const counters = new StompCounters();
    counters.frameReceived('constructor');
    expect(counters.framesReceived.constructor).toBe(1);
  });
});

describe('HandlerTiming', () => {
  it('puts each call in the first bucket whose bound it does not pass, slower ones in the last slot', () => {
    const timing = new HandlerTiming();
    timing.observe(0.001);
    timing.observe(0.005);
    timing.observe(0.3);
    timing.observe(60);
    expect(timing.count).toBe(4);
    expect(timing.sumSeconds).toBeCloseTo(60.306);
    const at = (bound: number): number => timing.buckets[HANDLER_DURATION_BUCKETS.indexOf(bound)]!;
    expect(at(0.005)).toBe(2);
    expect(at(0.5)).toBe(1);
    expect(timing.buckets[HANDLER_DURATION_BUCKETS.length]).toBe(1);
    expect(timing.buckets.reduce((sum, n) => sum + n, 0)).toBe(4);
  });
});
