import { WildcardSegmentIndex } from './wildcard-segment-index.js';

/** One trie node: the patterns whose first segments are the path from the root to here. */
class PatternNode<T> {
  /** Children by a literal next segment: one map lookup per destination segment. Made when needed (leaves are many). */
  literal: Map<string, PatternNode<T>> | undefined;
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
        if (!child) node.literal.set(segment, (child = new PatternNode()));
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
      }
      node = parent;
    }
  }

  /** Appends the value of every pattern that matches `destination` to `out`, each once. */
  collect(destination: string, out: T[]): void {
    this.visit(this.root, destination.split(this.separator), 0, out);
  }

  private visit(node: PatternNode<T>, segments: readonly string[], i: number, out: T[]): void {
    if (node.deep) this.visitDeep(node.deep, segments, i, out);
    if (i === segments.length) {
      if (node.value !== undefined) out.push(node.value);
      return;
    }
    const segment = segments[i]!;
    const literal = node.literal?.get(segment);
    if (literal) this.visit(literal, segments, i + 1, out);
    if (!node.wildcard) return;
    const matching: PatternNode<T>[] = [];
    node.wildcard.collect(segment, matching);
    for (const child of matching) this.visit(child, segments, i + 1, out);
  }

  /**
   * What follows a `**`, tried after skipping 0, 1, 2... segments. A pattern holds one `**` at
   * most, so below `deep` there is none and each pattern is reached at most once: the number of
   * skipped segments is fixed by the pattern's remaining length.
   */
  private visitDeep(deep: PatternNode<T>, segments: readonly string[], from: number, out: T[]): void {
    for (let i = from; ; i++) {
      this.visit(deep, segments, i, out);
      if (i === segments.length || LINE_TERMINATOR.test(segments[i]!)) return;
    }
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

/** What the regex `.` does not match, so what a `**` cannot skip. */
const LINE_TERMINATOR = /[\n\r\u2028\u2029]/;
