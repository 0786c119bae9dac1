import { randomSessionId } from './session-id.js';

describe('randomSessionId', () => {
  it('gives version 4 UUIDs, as crypto.randomUUID does', () => {
    for (let i = 0; i < 1000; i++) expect(randomSessionId()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('does not repeat itself across refills of its random pool', () => {
    const ids = new Set<string>();
    for (let i = 0; i < 10_000; i++) ids.add(randomSessionId());
    expect(ids.size).toBe(10_000);
  });

  it('uses every hex digit in every random position', () => {
    const seen = Array.from({ length: 36 }, () => new Set<string>());
    for (let i = 0; i < 2000; i++) [...randomSessionId()].forEach((c, at) => seen[at]!.add(c));
    const random = [...Array(36).keys()].filter((at) => ![8, 13, 14, 18, 19, 23].includes(at));
    for (const at of random) expect(seen[at]!.size).toBe(16);
  });
});
