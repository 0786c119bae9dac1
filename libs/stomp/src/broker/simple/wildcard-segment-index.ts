/** A node of a character trie; a pattern's `?` is the `any` edge, every other character an edge of its own. */
class CharNode<V> {
  chars: Map<number, CharNode<V>> | undefined;
  any: CharNode<V> | undefined;
  /** What was stored for the segment (head trie: with no `*`; tail trie: the tail) that ends here. */
  value: V | undefined;
  /** Head trie only: the tails, read backwards, of the segments `<head>*<tail>` whose head ends here. */
  tails: CharNode<V> | undefined;

  child(code: number): CharNode<V> | undefined {
    return code === QUESTION_MARK ? this.any : this.chars?.get(code);
  }

  childOrNew(code: number): CharNode<V> {
    if (code === QUESTION_MARK) return (this.any ??= new CharNode());
    this.chars ??= new Map();
    let child = this.chars.get(code);
    if (!child) this.chars.set(code, (child = new CharNode()));
    return child;
  }

  dropChild(code: number): void {
    if (code === QUESTION_MARK) this.any = undefined;
    else if (this.chars?.delete(code) && this.chars.size === 0) this.chars = undefined;
  }

  get isEmpty(): boolean {
    return this.value === undefined && this.tails === undefined && this.any === undefined && this.chars === undefined;
  }
}

/** Which edge a step of a stored segment took: a character code, or into the tails. */
type Step = number | 'tails';

/**
 * The wildcard segments (`?` one character, at most one `*`, as `checkSubscriptionPattern` allows)
 * under one node of the `PatternIndex`, kept so that finding those a destination segment matches
 * walks only what agrees with it: `<head>*<tail>` is found by reading the segment forwards through
 * a trie of heads and, where a head ends in `*`, backwards through a trie of its tails. `a*x1`,
 * `a*x2`, ... are never looked at for a segment that does not end in `x1`, `x2`, ... The answer is
 * the segment's part of `DestinationPattern`'s regex (`?` → `[^sep]`, `*` → `[^sep]*`), since a
 * destination segment never holds the separator.
 */
export class WildcardSegmentIndex<V> {
  private readonly byText = new Map<string, V>();
  private readonly root = new CharNode<V>();
  /** The depth-first walk's stack (node, position), reused by every lookup; a popped node is cleared, so no deleted one is kept alive. */
  private readonly stackNodes: (CharNode<V> | undefined)[] = [];
  private readonly stackAt: number[] = [];

  get size(): number {
    return this.byText.size;
  }

  /** True when no trie node is left behind (nothing stored). Read-only, for specs: pruning is otherwise invisible. */
  get isEmpty(): boolean {
    return this.root.isEmpty;
  }

  get(text: string): V | undefined {
    return this.byText.get(text);
  }

  set(text: string, value: V): void {
    if (text.indexOf('*') !== text.lastIndexOf('*')) throw new Error(`A wildcard segment may hold one '*', got '${text}'`);
    let node = this.root;
    for (const step of steps(text)) node = step === 'tails' ? (node.tails ??= new CharNode()) : node.childOrNew(step);
    node.value = value;
    this.byText.set(text, value);
  }

  /** Forgets `text`, and the trie nodes no other segment needs. */
  delete(text: string): void {
    if (!this.byText.delete(text)) return;
    const path: { parent: CharNode<V>; step: Step }[] = [];
    let node = this.root;
    for (const step of steps(text)) {
      path.push({ parent: node, step });
      node = (step === 'tails' ? node.tails : node.child(step))!;
    }
    node.value = undefined;
    for (let i = path.length - 1; i >= 0 && node.isEmpty; i--) {
      const { parent, step } = path[i]!;
      if (step === 'tails') parent.tails = undefined;
      else parent.dropChild(step);
      node = parent;
    }
  }

  /** Appends the value of every stored segment that matches `segment` to `out`, each once. */
  collect(segment: string, out: V[]): void {
    this.collectIn(segment, 0, segment.length, out);
  }

  /**
   * As {@link collect}, for the segment `text[start, end)`: a publish reads its destination in
   * place, without a substring. Walks the tries depth first on a stack the index keeps, so that a
   * segment nothing matches allocates nothing (and a long segment cannot overflow the call stack).
   */
  collectIn(text: string, start: number, end: number, out: V[]): void {
    const nodes = this.stackNodes;
    const at = this.stackAt;
    let top = 0;
    nodes[top] = this.root;
    at[top++] = start;
    while (top > 0) {
      const node = nodes[--top]!;
      nodes[top] = undefined;
      const i = at[top]!;
      // The head read text[start, i): a tail may take what is left, read from the end.
      if (node.tails) this.collectTails(node.tails, text, i, end, top, out);
      if (i === end) {
        if (node.value !== undefined) out.push(node.value);
        continue;
      }
      const exact = node.chars?.get(text.charCodeAt(i));
      if (exact) {
        nodes[top] = exact;
        at[top++] = i + 1;
      }
      if (node.any) {
        nodes[top] = node.any;
        at[top++] = i + 1;
      }
    }
  }

  /** The tails that fit in `text[floor, end)`, read backwards from `end`, on the stack above `base`. */
  private collectTails(root: CharNode<V>, text: string, floor: number, end: number, base: number, out: V[]): void {
    const nodes = this.stackNodes;
    const at = this.stackAt;
    let top = base;
    nodes[top] = root;
    at[top++] = end;
    while (top > base) {
      const node = nodes[--top]!;
      nodes[top] = undefined;
      const i = at[top]!;
      if (node.value !== undefined) out.push(node.value);
      if (i === floor) continue;
      const exact = node.chars?.get(text.charCodeAt(i - 1));
      if (exact) {
        nodes[top] = exact;
        at[top++] = i - 1;
      }
      if (node.any) {
        nodes[top] = node.any;
        at[top++] = i - 1;
      }
    }
  }
}

/** The edges a stored segment takes: its head forwards, then (with a `*`) into the tails and its tail backwards. */
function steps(text: string): Step[] {
  const star = text.indexOf('*');
  const head = star === -1 ? text : text.slice(0, star);
  const out: Step[] = [];
  for (let i = 0; i < head.length; i++) out.push(head.charCodeAt(i));
  if (star === -1) return out;
  out.push('tails');
  for (let i = text.length - 1; i > star; i--) out.push(text.charCodeAt(i));
  return out;
}

const QUESTION_MARK = '?'.charCodeAt(0);
