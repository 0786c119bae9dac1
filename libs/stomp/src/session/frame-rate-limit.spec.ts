import { performance } from 'node:perf_hooks';
import { jest } from '@jest/globals';
import { FrameRateLimit } from './frame-rate-limit.js';

/** How many frames pass in a row before the first refusal (capped, so a broken limit fails rather than spins). */
function burst(limit: FrameRateLimit, max = 100_000): number {
  let passed = 0;
  while (passed < max && limit.take()) passed++;
  return passed;
}

describe('FrameRateLimit', () => {
  const START = 1_000_000;
  let now: jest.Spied<typeof performance.now>;

  beforeEach(() => {
    now = jest.spyOn(performance, 'now').mockReturnValue(START);
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  function at(ms: number): void {
    now.mockReturnValue(START + ms);
  }

  it.each([1, 5, 100, 5000])('a fresh limit of %d per second allows a burst of twice that, then refuses', (rate) => {
    const limit = new FrameRateLimit(rate);
    expect(burst(limit)).toBe(2 * rate);
    expect(limit.take()).toBe(false);
    expect(limit.take()).toBe(false);
  });

  it('gives tokens back at the rate per second', () => {
    const limit = new FrameRateLimit(10);
    expect(burst(limit)).toBe(20);

    at(100); // 10/s: one token per 100 ms
    expect(limit.take()).toBe(true);
    expect(limit.take()).toBe(false);

    at(600); // five more
    expect(burst(limit)).toBe(5);

    at(1600); // a whole second: ten
    expect(burst(limit)).toBe(10);
  });

  it('counts fractions of a token across calls, refused ones included', () => {
    const limit = new FrameRateLimit(10);
    burst(limit);
    at(50); // half a token
    expect(limit.take()).toBe(false);
    at(99);
    expect(limit.take()).toBe(false);
    at(100); // the halves make one
    expect(limit.take()).toBe(true);
    expect(limit.take()).toBe(false);
  });

  it('caps the tokens at twice the rate however long it was idle', () => {
    const limit = new FrameRateLimit(10);
    burst(limit);
    at(60_000); // a minute idle would be 600 tokens uncapped
    expect(burst(limit)).toBe(20);
    expect(limit.take()).toBe(false);
  });

  it('caps a fresh limit too, however long after its creation it is first used', () => {
    const limit = new FrameRateLimit(10);
    at(3_600_000);
    expect(burst(limit)).toBe(20);
  });

  it('keeps up with a steady sender at exactly the rate', () => {
    const limit = new FrameRateLimit(100);
    expect(burst(limit)).toBe(200);
    for (let ms = 10; ms <= 10_000; ms += 10) {
      at(ms); // one frame per 10 ms = 100 per second
      expect(limit.take()).toBe(true);
    }
    expect(limit.take()).toBe(false);
  });

  it('refuses a steady sender above the rate once the burst is spent', () => {
    const limit = new FrameRateLimit(100);
    let refused = 0;
    for (let ms = 0; ms < 10_000; ms += 5) {
      at(ms); // one frame per 5 ms = 200 per second
      if (!limit.take()) refused++;
    }
    // 2000 frames in 10 s against 100/s plus a burst of 200: about 800 refused.
    expect(refused).toBeGreaterThanOrEqual(790);
    expect(refused).toBeLessThanOrEqual(810);
  });
});
