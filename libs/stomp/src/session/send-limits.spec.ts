import { performance } from 'node:perf_hooks';
import { jest } from '@jest/globals';
import { SendLimits } from './send-limits.js';

const SIZE_LIMIT = 1000;
const TIME_LIMIT = 5000;
const SIZE_REASON = (buffered: number) => `${buffered} bytes wait unsent, over the limit of ${SIZE_LIMIT} (option sendBufferSizeLimit)`;
const TIME_REASON = `sends have been stuck for over ${TIME_LIMIT} ms (option sendTimeLimit)`;

describe('SendLimits', () => {
  const START = 1_000_000;
  let now: jest.Spied<typeof performance.now>;
  let limits: SendLimits;

  beforeEach(() => {
    now = jest.spyOn(performance, 'now').mockReturnValue(START);
    limits = new SendLimits(SIZE_LIMIT, TIME_LIMIT);
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  function at(ms: number): void {
    now.mockReturnValue(START + ms);
  }

  it('is fine with nothing buffered, however late', () => {
    expect(limits.check(0)).toBeUndefined();
    at(TIME_LIMIT * 100);
    expect(limits.check(0)).toBeUndefined();
  });

  it('is fine under both limits', () => {
    expect(limits.check(1)).toBeUndefined();
    at(1000);
    expect(limits.check(SIZE_LIMIT)).toBeUndefined(); // at the size limit is not over it
    at(TIME_LIMIT); // stuck for exactly the time limit is not over it
    expect(limits.check(500)).toBeUndefined();
  });

  it('names sendBufferSizeLimit when more than bufferSizeLimit bytes wait', () => {
    expect(limits.check(SIZE_LIMIT + 1)).toBe(SIZE_REASON(SIZE_LIMIT + 1));
    expect(limits.check(10 * SIZE_LIMIT)).toBe(SIZE_REASON(10 * SIZE_LIMIT));
    expect(limits.check(SIZE_LIMIT + 1)).toMatch(/sendBufferSizeLimit/);
  });

  it('names sendTimeLimit when data has waited, under the size limit, for longer than timeLimit', () => {
    expect(limits.check(10)).toBeUndefined();
    at(TIME_LIMIT);
    expect(limits.check(10)).toBeUndefined();
    at(TIME_LIMIT + 1);
    expect(limits.check(10)).toBe(TIME_REASON);
    expect(limits.check(10)).toMatch(/sendTimeLimit/);
  });

  it('starts the stuck clock at the first check with data waiting, not at creation', () => {
    at(TIME_LIMIT * 10);
    expect(limits.check(10)).toBeUndefined();
    at(TIME_LIMIT * 11);
    expect(limits.check(10)).toBeUndefined();
    at(TIME_LIMIT * 11 + 1);
    expect(limits.check(10)).toBe(TIME_REASON);
  });

  it('keeps the stuck clock running while what waits only grows', () => {
    expect(limits.check(10)).toBeUndefined();
    at(2000);
    expect(limits.check(100)).toBeUndefined();
    at(4000);
    expect(limits.check(700)).toBeUndefined();
    at(TIME_LIMIT + 1);
    expect(limits.check(700)).toBe(TIME_REASON);
  });

  it('restarts the stuck clock when the client made progress (less waits than at the last check)', () => {
    expect(limits.check(900)).toBeUndefined();
    at(4000);
    expect(limits.check(500)).toBeUndefined();
    at(TIME_LIMIT + 1); // over the limit counted from the first check, not from the progress
    expect(limits.check(600)).toBeUndefined();
    at(4000 + TIME_LIMIT + 1);
    expect(limits.check(600)).toBe(TIME_REASON);
  });

  it('resets the stuck clock when nothing is buffered', () => {
    expect(limits.check(10)).toBeUndefined();
    at(4000);
    expect(limits.check(0)).toBeUndefined();
    at(6000); // would be over the limit had the clock not restarted
    expect(limits.check(10)).toBeUndefined();
    at(6000 + TIME_LIMIT);
    expect(limits.check(10)).toBeUndefined();
    at(6000 + TIME_LIMIT + 1);
    expect(limits.check(10)).toBe(TIME_REASON);
  });

  it('is fine again with nothing buffered after reporting the client stuck', () => {
    limits.check(10);
    at(TIME_LIMIT + 1);
    expect(limits.check(10)).toBe(TIME_REASON);
    expect(limits.check(0)).toBeUndefined();
    expect(limits.check(10)).toBeUndefined();
  });
});
