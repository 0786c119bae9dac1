import { startOffset } from './kafka-offsets.js';

describe('startOffset: where a /topic subscription starts in a topic holding offsets 10 to 19', () => {
  const bounds = { first: 10n, end: 20n };
  const noTimestampLookUp = () => Promise.reject(new Error('only a timestamp start looks one up'));

  it.each([
    [{ kind: 'next' } as const, 20n],
    [{ kind: 'first' } as const, 10n],
    [{ kind: 'last' } as const, 19n],
    [{ kind: 'offset', offset: 15 } as const, 15n],
    [{ kind: 'offset', offset: 3 } as const, 10n],
    [{ kind: 'offset', offset: 99 } as const, 20n],
  ])('%o starts at %s', async (start, expected) => {
    await expect(startOffset(start, bounds, noTimestampLookUp)).resolves.toBe(expected);
  });

  it('starts an empty topic read from its last message at its end', async () => {
    await expect(startOffset({ kind: 'last' }, { first: 7n, end: 7n }, noTimestampLookUp)).resolves.toBe(7n);
  });

  it('starts a timestamp at the offset Kafka finds for it, or at the end when no record is that recent', async () => {
    await expect(startOffset({ kind: 'timestamp', timestamp: 1_000 }, bounds, (timestamp) => Promise.resolve(timestamp === 1_000 ? 12n : undefined))).resolves.toBe(12n);
    await expect(startOffset({ kind: 'timestamp', timestamp: 2_000 }, bounds, () => Promise.resolve(undefined))).resolves.toBe(20n);
  });
});
