import { jest } from '@jest/globals';
import { IncompleteFrameWatch } from './incomplete-frame-watch.js';

describe('IncompleteFrameWatch', () => {
  let stalls: string[];
  let watch: IncompleteFrameWatch;

  beforeEach(() => {
    jest.useFakeTimers();
    stalls = [];
    watch = new IncompleteFrameWatch({ incompleteFrameTimeout: 12_000, minFrameDataRate: 100 }, (reason) => stalls.push(reason));
  });

  afterEach(() => {
    watch.stop();
    jest.useRealTimers();
  });

  it('starts no timer for whole frames', () => {
    watch.received(500, 0);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('lets a frame that keeps arriving at the minimum rate run until the deadline, then reports it', () => {
    watch.received(1000, 1000);
    jest.advanceTimersByTime(500);
    for (let second = 1; second <= 11; second++) {
      watch.received(100, 1000 + 100 * second);
      jest.advanceTimersByTime(1000);
    }
    expect(stalls).toEqual([]);
    jest.advanceTimersByTime(500);
    expect(stalls).toEqual(['A frame stayed incomplete for over 12000 ms (option incompleteFrameTimeout)']);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('reports a frame whose bytes arrive under the minimum rate at the end of a 5 s window', () => {
    watch.received(60_000, 60_000);
    jest.advanceTimersByTime(2500);
    watch.received(400, 60_400);
    jest.advanceTimersByTime(2499);
    expect(stalls).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(stalls).toEqual(['A frame arrives at 80 bytes per second, under the minimum of 100 (option minFrameDataRate)']);
  });

  it('gives the next frame a clock of its own once one completes', () => {
    watch.received(10, 10);
    jest.advanceTimersByTime(4000);
    watch.frameCompleted();
    expect(jest.getTimerCount()).toBe(0);
    watch.received(10, 10);
    jest.advanceTimersByTime(4999);
    expect(stalls).toEqual([]);
  });

  it('stops when the pending bytes are gone', () => {
    watch.received(10, 10);
    watch.received(10, 0);
    jest.advanceTimersByTime(60_000);
    expect(stalls).toEqual([]);
  });
});
