import { WildcardSegmentIndex } from './wildcard-segment-index.js';

/** The stored segments (each stored with itself as value) that match `segment`, sorted. */
function matching(index: WildcardSegmentIndex<string>, segment: string): string[] {
  const out: string[] = [];
  index.collect(segment, out);
  return out.sort();
}

function indexOf(...texts: string[]): WildcardSegmentIndex<string> {
  const index = new WildcardSegmentIndex<string>();
  for (const text of texts) index.set(text, text);
  return index;
}

/** Heads, tails, `?` edges and a bare `*`, sharing prefixes and suffixes with each other. */
const STORED = ['a?', 'a?b', 'a*', '*b', 'a*b', '?', '*', 'ab?', '?*?', 'x*y', 'a'];

describe('WildcardSegmentIndex', () => {
  it('finds exactly the stored segments a destination segment matches', () => {
    const index = indexOf(...STORED);
    expect(matching(index, 'ab')).toEqual(['*', '*b', 'a*', 'a*b', 'a?', '?*?'].sort());
    expect(matching(index, 'a')).toEqual(['*', '?', 'a', 'a*'].sort());
    expect(matching(index, 'axb')).toEqual(['*', '*b', 'a*', 'a*b', 'a?b', '?*?'].sort());
    expect(matching(index, 'abc')).toEqual(['*', 'a*', 'ab?', '?*?'].sort());
    expect(matching(index, 'xy')).toEqual(['*', '?*?', 'x*y'].sort());
    expect(matching(index, '')).toEqual(['*']);
  });

  it('reads a segment in place: within a longer text, the heads and tails stop at its bounds', () => {
    const index = indexOf(...STORED);
    const text = 'xaxby';
    for (const [start, end] of [[1, 4], [1, 3], [2, 4], [0, 5], [1, 2], [3, 3]] as const) {
      const out: string[] = [];
      index.collectIn(text, start, end, out);
      expect([start, end, out.sort()]).toEqual([start, end, matching(index, text.slice(start, end))]);
    }
  });

  it('does not let a tail overlap the head: `a*a` needs two characters', () => {
    const index = indexOf('a*a', 'ab*ba');
    expect(matching(index, 'a')).toEqual([]);
    expect(matching(index, 'aa')).toEqual(['a*a']);
    expect(matching(index, 'aba')).toEqual(['a*a']);
    expect(matching(index, 'abba')).toEqual(['a*a', 'ab*ba']);
  });

  it('answers get and size by the stored text', () => {
    const index = indexOf('a*', '?b');
    expect(index.size).toBe(2);
    expect(index.get('a*')).toBe('a*');
    expect(index.get('?b')).toBe('?b');
    expect(index.get('ab')).toBeUndefined();
    index.set('a*', 'replaced');
    expect(index.size).toBe(2);
    expect(matching(index, 'ab')).toEqual(['?b', 'replaced']);
  });

  it('refuses a segment with two stars', () => {
    const index = new WildcardSegmentIndex<string>();
    expect(() => index.set('a*b*', 'x')).toThrow("A wildcard segment may hold one '*', got 'a*b*'");
    expect(index.size).toBe(0);
    expect(index.isEmpty).toBe(true);
  });

  it('forgets a deleted segment and keeps the others', () => {
    const index = indexOf(...STORED);
    index.delete('a?b');
    expect(index.get('a?b')).toBeUndefined();
    expect(index.size).toBe(STORED.length - 1);
    expect(matching(index, 'axb')).toEqual(['*', '*b', 'a*', 'a*b', '?*?'].sort());
    index.delete('a*');
    expect(matching(index, 'axb')).toEqual(['*', '*b', 'a*b', '?*?'].sort());
    expect(matching(index, 'a')).toEqual(['*', '?', 'a'].sort());
    index.delete('?');
    expect(matching(index, 'a')).toEqual(['*', 'a']);
    expect(matching(index, 'ab')).toEqual(['*', '*b', 'a*b', 'a?', '?*?'].sort());
  });

  it('keeps a segment ending at a node whose last child is deleted', () => {
    const index = indexOf('a', 'ab', 'a?', 'a?c', 'x*', 'x*y');
    index.delete('ab');
    index.delete('a?c');
    index.delete('x*y');
    expect(matching(index, 'a')).toEqual(['a']);
    expect(matching(index, 'az')).toEqual(['a?']);
    expect(matching(index, 'xy')).toEqual(['x*']);
    expect(matching(index, 'azc')).toEqual([]);
  });

  it('ignores the deletion of a segment it does not hold', () => {
    const index = indexOf('a*b', 'a?');
    index.delete('a*');
    index.delete('a?b');
    index.delete('zz');
    expect(index.size).toBe(2);
    expect(matching(index, 'ab')).toEqual(['a*b', 'a?']);
  });

  it.each([
    ['in the order added', STORED],
    ['in reverse', [...STORED].reverse()],
    ['longest first', [...STORED].sort((a, b) => b.length - a.length)],
  ])('leaves no trie node behind once every segment is deleted (%s)', (_order, order) => {
    const index = indexOf(...STORED);
    expect(index.isEmpty).toBe(false);
    for (const text of order) index.delete(text);
    expect(index.size).toBe(0);
    expect(index.isEmpty).toBe(true);
    for (const segment of ['', 'a', 'ab', 'axb', 'xy']) expect(matching(index, segment)).toEqual([]);
  });

  it.each([['a?'], ['?'], ['*b'], ['a*'], ['ab'], ['']])('leaves no trie node behind after storing and deleting %p alone', (text) => {
    const index = indexOf(text);
    expect(index.isEmpty).toBe(false);
    index.delete(text);
    expect(index.isEmpty).toBe(true);
  });
});
