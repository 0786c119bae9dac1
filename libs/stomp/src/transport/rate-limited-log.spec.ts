import { RateLimitedLog } from './rate-limited-log.js';

describe('RateLimitedLog', () => {
  let now = 0;
  let lines: string[] = [];
  const log = () => new RateLimitedLog((line) => lines.push(line), 60_000, 3, () => now);

  beforeEach(() => {
    now = 1_000;
    lines = [];
  });

  it('writes one line per key per interval, and counts what it left out in the next line', () => {
    const refusals = log();
    for (let i = 0; i < 100; i++) refusals.log('https://evil.example', 'refused evil');
    expect(lines).toEqual(['refused evil']);
    now += 59_999;
    refusals.log('https://evil.example', 'refused evil');
    expect(lines).toHaveLength(1);
    now += 1;
    refusals.log('https://evil.example', 'refused evil');
    expect(lines).toEqual(['refused evil', 'refused evil (100 similar lines left out before this one)']);
  });

  it('writes at most its budget per interval however many keys come', () => {
    const refusals = log();
    for (let i = 0; i < 1000; i++) refusals.log(`https://e${i}.example`, `refused ${i}`);
    expect(lines).toEqual(['refused 0', 'refused 1', 'refused 2']);
    now += 60_000;
    refusals.log('https://later.example', 'refused later');
    expect(lines.at(-1)).toBe('refused later (997 similar lines left out before this one)');
  });
});
