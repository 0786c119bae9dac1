import { PatternIndex } from './pattern-index.js';

/** The stored patterns (each stored with itself as value) that match `destination`, sorted. */
function matching(index: PatternIndex<string>, destination: string): string[] {
  const out: string[] = [];
  index.collect(destination, out);
  return out.sort();
}

function indexOf(separator: '/' | '.', ...patterns: string[]): PatternIndex<string> {
  const index = new PatternIndex<string>(separator);
  for (const pattern of patterns) index.set(pattern, pattern);
  return index;
}

/** Literal, wildcard and `**` segments, sharing prefixes so that deleting one must keep the others' nodes. */
const STORED = ['/a', '/a/b', '/a/**', '/a/*', '/a/b?/c', '/a/**/c', '/*/b', '/**', '/a/b/c', '/x*/y'];

describe('PatternIndex', () => {
  it('finds exactly the patterns a destination matches', () => {
    const index = indexOf('/', ...STORED);
    expect(matching(index, '/a')).toEqual(['/**', '/a', '/a/**'].sort());
    expect(matching(index, '/a/b')).toEqual(['/**', '/*/b', '/a/*', '/a/**', '/a/b'].sort());
    expect(matching(index, '/a/b/c')).toEqual(['/**', '/a/**', '/a/**/c', '/a/b/c'].sort());
    expect(matching(index, '/a/bx/c')).toEqual(['/**', '/a/**', '/a/**/c', '/a/b?/c'].sort());
    expect(matching(index, '/xz/y')).toEqual(['/**', '/x*/y'].sort());
    expect(matching(index, '/q')).toEqual(['/**']);
  });

  it('splits by its own separator', () => {
    const index = indexOf('.', 'a.*', 'a.**', 'a/b');
    expect(matching(index, 'a.b')).toEqual(['a.*', 'a.**']);
    expect(matching(index, 'a/b')).toEqual(['a/b']);
  });

  it('refuses a pattern with two `**`', () => {
    const index = new PatternIndex<string>('/');
    expect(() => index.set('/a/**/b/**', 'x')).toThrow("Pattern '/a/**/b/**' has more than one '**'");
    expect(() => index.delete('/**/**')).toThrow("Pattern '/**/**' has more than one '**'");
    expect(index.isEmpty).toBe(true);
  });

  it('forgets a deleted pattern and keeps those that share its nodes', () => {
    const index = indexOf('/', ...STORED);
    index.delete('/a');
    expect(matching(index, '/a')).toEqual(['/**', '/a/**'].sort());
    expect(matching(index, '/a/b')).toEqual(['/**', '/*/b', '/a/*', '/a/**', '/a/b'].sort());
    index.delete('/a/b');
    expect(matching(index, '/a/b')).toEqual(['/**', '/*/b', '/a/*', '/a/**'].sort());
    expect(matching(index, '/a/b/c')).toEqual(['/**', '/a/**', '/a/**/c', '/a/b/c'].sort());
    index.delete('/a/*');
    expect(matching(index, '/a/b')).toEqual(['/**', '/*/b', '/a/**'].sort());
    expect(matching(index, '/a/bx/c')).toEqual(['/**', '/a/**', '/a/**/c', '/a/b?/c'].sort());
  });

  it('keeps a `**` child when the pattern ending at its parent is deleted', () => {
    const index = indexOf('/', '/a', '/a/**');
    index.delete('/a');
    expect(matching(index, '/a/x')).toEqual(['/a/**']);
    expect(matching(index, '/a')).toEqual(['/a/**']);
  });

  it('keeps a pattern ending at a node whose last child is deleted', () => {
    const index = indexOf('/', '/a', '/a/b', '/c/*', '/c/*/d', '/e', '/e/**');
    index.delete('/a/b');
    index.delete('/c/*/d');
    index.delete('/e/**');
    expect(matching(index, '/a')).toEqual(['/a']);
    expect(matching(index, '/c/x')).toEqual(['/c/*']);
    expect(matching(index, '/e')).toEqual(['/e']);
    expect(matching(index, '/a/b')).toEqual([]);
  });

  it('finds a literal child whether it is its parent\'s only one or not, as siblings come and go', () => {
    const index = indexOf('/', '/a/b/*');
    expect(matching(index, '/a/b/x')).toEqual(['/a/b/*']);
    index.set('/a/c/*', '/a/c/*');
    expect(matching(index, '/a/b/x')).toEqual(['/a/b/*']);
    expect(matching(index, '/a/c/x')).toEqual(['/a/c/*']);
    index.delete('/a/b/*');
    expect(matching(index, '/a/b/x')).toEqual([]);
    expect(matching(index, '/a/c/x')).toEqual(['/a/c/*']);
    expect(matching(index, '/a/cc/x')).toEqual([]);
    expect(matching(index, '/a//x')).toEqual([]);
  });

  it('ignores the deletion of a pattern it does not hold', () => {
    const index = indexOf('/', '/a/b');
    for (const pattern of ['/c', '/a/*', '/a/**', '/*/b', '/a/b/c', '/a', 'a/b', '/a/?']) index.delete(pattern);
    expect(matching(index, '/a/b')).toEqual(['/a/b']);
    const empty = new PatternIndex<string>('/');
    for (const pattern of ['x', '*', '**', '/x/y']) empty.delete(pattern);
    expect(empty.isEmpty).toBe(true);
  });

  it.each([
    ['in the order added', STORED],
    ['in reverse', [...STORED].reverse()],
    ['longest first', [...STORED].sort((a, b) => b.length - a.length)],
  ])('leaves no trie node behind once every pattern is deleted (%s)', (_order, order) => {
    const index = indexOf('/', ...STORED);
    expect(index.isEmpty).toBe(false);
    for (const pattern of order) index.delete(pattern);
    expect(index.isEmpty).toBe(true);
    for (const destination of ['/a', '/a/b', '/a/b/c', '/xz/y']) expect(matching(index, destination)).toEqual([]);
  });

  it.each([['a'], ['*'], ['**'], ['a/b?/c'], ['a/**/c'], ['']])('leaves no trie node behind after storing and deleting %p alone', (pattern) => {
    const index = indexOf('/', pattern);
    expect(index.isEmpty).toBe(false);
    index.delete(pattern);
    expect(index.isEmpty).toBe(true);
  });
});
