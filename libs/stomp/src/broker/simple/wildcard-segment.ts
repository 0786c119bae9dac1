/**
 * One segment of a subscription pattern with `?` (one character) and at most one `*` (any
 * characters), as `checkSubscriptionPattern` allows: matched by comparing a fixed head and a fixed
 * tail, no regex and no backtracking. The same answer as the segment's part of `DestinationPattern`'s
 * regex (`?` → `[^sep]`, `*` → `[^sep]*`), since a destination segment never holds the separator.
 */
export class WildcardSegment {
  /** Characters before the `*`, or all of them when there is none. */
  private readonly head: string;
  /** Characters after the `*`; `undefined` when there is none (the segment has a fixed length). */
  private readonly tail: string | undefined;

  constructor(readonly text: string) {
    const star = text.indexOf('*');
    if (star !== text.lastIndexOf('*')) throw new Error(`A wildcard segment may hold one '*', got '${text}'`);
    this.head = star === -1 ? text : text.slice(0, star);
    this.tail = star === -1 ? undefined : text.slice(star + 1);
  }

  matches(segment: string): boolean {
    const { head, tail } = this;
    if (tail === undefined) return segment.length === head.length && fits(head, segment, 0);
    return segment.length >= head.length + tail.length && fits(head, segment, 0) && fits(tail, segment, segment.length - tail.length);
  }
}

/** `chars` (with `?` for any one character) equal `segment` from `offset` on. */
function fits(chars: string, segment: string, offset: number): boolean {
  for (let i = 0; i < chars.length; i++) {
    const c = chars.charCodeAt(i);
    if (c !== QUESTION_MARK && c !== segment.charCodeAt(offset + i)) return false;
  }
  return true;
}

const QUESTION_MARK = '?'.charCodeAt(0);
