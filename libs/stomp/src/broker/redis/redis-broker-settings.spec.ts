import { reconnectDelay } from './redis-broker-settings.js';
import { describeRedisUrl } from './redis-url.js';

describe('reconnectDelay', () => {
  const settings = { reconnectDelay: 100, maxReconnectDelay: 2000 };

  it('doubles from the first delay up to the cap', () => {
    const noJitter = () => 0;
    expect([1, 2, 3, 4, 5, 6, 7, 50, 10_000].map((attempt) => reconnectDelay(attempt, settings, noJitter))).toEqual([
      100, 200, 400, 800, 1600, 2000, 2000, 2000, 2000,
    ]);
  });

  it('takes off up to 10% of jitter, never exceeding the cap', () => {
    expect(reconnectDelay(1, settings, () => 0.999)).toBe(90);
    expect(reconnectDelay(100, settings, () => 0.5)).toBe(1900);
  });
});

describe('describeRedisUrl', () => {
  it('masks the password and keeps the rest', () => {
    expect(describeRedisUrl('redis://:s3cret@cache.internal:6380/2')).toBe('redis://:***@cache.internal:6380/2');
    expect(describeRedisUrl('rediss://app:s3cret@cache.internal:6380')).toBe('rediss://app:***@cache.internal:6380');
    expect(describeRedisUrl('redis://cache.internal:6380?password=s3cret&db=1')).toBe('redis://cache.internal:6380?password=***&db=1');
    expect(describeRedisUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
  });

  it('never shows what it cannot parse if it may hold credentials', () => {
    expect(describeRedisUrl('user:pass@host')).toBe('<redis url>');
    expect(describeRedisUrl('/var/run/redis.sock')).toBe('/var/run/redis.sock');
  });
});
