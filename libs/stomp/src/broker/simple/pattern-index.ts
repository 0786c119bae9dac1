import { WildcardSegmentIndex } from './wildcard-segment-index.js';

/** One trie node: the patterns whose first segments are the path from the root to here. */
class PatternNode<T> {
  /** Children by a literal next segment: one map lookup per destination segment. Made when needed (leaves are many). */
  literal: Map<string, PatternNode<T>> | undefined;
  /** The only literal child, with its segment, when there is one: compared in place, without a substring (most nodes have one). */
  soleLiteral: PatternNode<T> | undefined;
  soleSegment = '';
  /** Children by a next segment with `*` or `?`, indexed by their characters. Made when needed. */
  wildcard: WildcardSegmentIndex<PatternNode<T>> | undefined;
  /** The child after a `**` segment (any number of whole segments). */
  deep: PatternNode<T> | undefined;
  /** What was added for the pattern that ends here. */
  value: T | undefined;

  get isEmpty(): boolean {
    return this.value === undefined && this.deep === undefined && this.literal === undefined && this.wildcard === undefined;
  }
}

/**
 * Subscription patterns in a trie over their segments (split by the path separator), so that a
 * publish walks only the branches its destination can take: a pattern whose literal segments differ
 * from the destination's is never looked at, however many there are, and the wildcard segments under
 * a node are themselves indexed by their characters ({@link WildcardSegmentIndex}). Answers exactly what
 * `DestinationPattern.matches` answers, for the patterns `checkSubscriptionPattern` lets through
 * (no `{var}`, at most one `*` per segment, at most one `**`).
 *
 * A `**` matches zero or more whole segments, as `AntPathMatcher`; like the `.*` of the compiled
 * regex it cannot skip a segment holding a line terminator.
 */
export class PatternIndex<T> {
  private readonly root = new PatternNode<T>();
  /** The wildcard children a lookup matched, for the walk to visit: reused, so a lookup that matches none allocates nothing. */
  private readonly matching: PatternNode<T>[] = [];

  constructor(private readonly separator: '/' | '.') {}

  /** True when no pattern is stored and no trie node is left behind. Read-only, for specs: pruning is otherwise invisible. */
  get isEmpty(): boolean {
    return this.root.isEmpty;
  }

  /** Stores `value` for `pattern`, replacing what was stored for it. */
  set(pattern: string, value: T): void {
    let node = this.root;
    for (const segment of this.segments(pattern)) {
      if (segment === '**') node = node.deep ??= new PatternNode();
      else if (isWildcard(segment)) {
        node.wildcard ??= new WildcardSegmentIndex();
        let child = node.wildcard.get(segment);
        if (!child) node.wildcard.set(segment, (child = new PatternNode()));
        node = child;
      } else {
        node.literal ??= new Map();
        let child = node.literal.get(segment);
        if (!child) {
          node.literal.set(segment, (child = new PatternNode()));
          soleLiteralOf(node);
        }
        node = child;
      }
    }
    node.value = value;
  }

  /** Forgets `pattern`, and the trie nodes no other pattern needs. */
  delete(pattern: string): void {
    const path: { parent: PatternNode<T>; segment: string }[] = [];
    let node: PatternNode<T> | undefined = this.root;
    for (const segment of this.segments(pattern)) {
      path.push({ parent: node, segment });
      node = segment === '**' ? node.deep : isWildcard(segment) ? node.wildcard?.get(segment) : node.literal?.get(segment);
      if (!node) return;
    }
    node.value = undefined;
    for (let i = path.length - 1; i >= 0 && node.isEmpty; i--) {
      const { parent, segment } = path[i]!;
      if (segment === '**') parent.deep = undefined;
      else if (isWildcard(segment)) {
        parent.wildcard!.delete(segment);
        if (parent.wildcard!.size === 0) parent.wildcard = undefined;
      } else {
        parent.literal!.delete(segment);
        if (parent.literal!.size === 0) parent.literal = undefined;
        soleLiteralOf(parent);
      }
      node = parent;
    }
  }

  /**
   * Appends the value of every pattern that matches `destination` to `out`, each once. Reads the
   * destination in place (segment bounds by `indexOf`): a publish nothing matches allocates nothing.
   */
  collect(destination: string, out: T[]): void {
    this.visit(this.root, destination, 0, out);
  }

  /** `start`: where the next segment begins; past the destination's end (`length + 1`) once every segment is read. */
  private visit(node: PatternNode<T>, destination: string, start: number, out: T[]): void {
    if (node.deep) this.visitDeep(node.deep, destination, start, out);
    if (start > destination.length) {
      if (node.value !== undefined) out.push(node.value);
      return;
    }
    if (node.literal === undefined && node.wildcard === undefined) return;
    const end = this.segmentEnd(destination, start);
    const sole = node.soleLiteral;
    if (sole) {
      if (end - start === node.soleSegment.length && destination.startsWith(node.soleSegment, start)) this.visit(sole, destination, end + 1, out);
    } else if (node.literal) {
      const literal = node.literal.get(destination.slice(start, end));
      if (literal) this.visit(literal, destination, end + 1, out);
    }
    if (!node.wildcard) return;
    // On a stack shared by the walk: what a child's visit pushes, it takes off again.
    const matching = this.matching;
    const base = matching.length;
    node.wildcard.collectIn(destination, start, end, matching);
    const top = matching.length;
    if (top === base) return;
    for (let k = base; k < top; k++) this.visit(matching[k]!, destination, end + 1, out);
    matching.length = base;
  }

  /**
   * What follows a `**`, tried after skipping 0, 1, 2... segments. A pattern holds one `**` at
   * most, so below `deep` there is none and each pattern is reached at most once: the number of
   * skipped segments is fixed by the pattern's remaining length.
   */
  private visitDeep(deep: PatternNode<T>, destination: string, from: number, out: T[]): void {
    for (let start = from; ; ) {
      this.visit(deep, destination, start, out);
      if (start > destination.length) return;
      const end = this.segmentEnd(destination, start);
      if (hasLineTerminator(destination, start, end)) return;
      start = end + 1;
    }
  }

  private segmentEnd(destination: string, start: number): number {
    const end = destination.indexOf(this.separator, start);
    return end === -1 ? destination.length : end;
  }

  private segments(pattern: string): string[] {
    // One `**` at most (as checkSubscriptionPattern asks): each more would multiply the ways a
    // publish walks the trie, and `a/**/**` would share the node of `a/**`.
    const segments = pattern.split(this.separator);
    if (segments.filter((segment) => segment === '**').length > 1) throw new Error(`Pattern '${pattern}' has more than one '**'`);
    return segments;
  }
}

function isWildcard(segment: string): boolean {
  return segment.includes('*') || segment.includes('?');
}

/** Whether `text[start, end)` holds what the regex `.` does not match, so what a `**` cannot skip. */
function hasLineTerminator(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x0a || code === 0x0d || code === 0x2028 || code === 0x2029) return true;
  }
  return false;
}

/** Keeps `soleLiteral` / `soleSegment` in step with the literal children, after one is added or removed. */
function soleLiteralOf<T>(node: PatternNode<T>): void {
  if (node.literal?.size === 1) {
    const [entry] = node.literal;
    node.soleSegment = entry![0];
    node.soleLiteral = entry![1];
  } else {
    node.soleSegment = '';
    node.soleLiteral = undefined;
  }
}
