import { escapeRegExp } from '../util/escape-reg-exp.js';

/**
 * Ant-style destination patterns, compiled once: `?` one character, `*` any characters inside one
 * segment, `**` any number of whole segments, `{name}` one segment captured as a variable,
 * `{name:regex}` the same with a regex of its own. Segments are split by `/` or by `.`, as Spring's
 * `AntPathMatcher` or `AntPathMatcher(".")`.
 */
export class DestinationPattern {
  readonly variableNames: readonly string[];
  /** `true` when the pattern has no wildcard and no variable: a plain string compare. */
  readonly isLiteral: boolean;
  private readonly regex: RegExp | undefined;
  /** Set when the pattern is literal segments and whole-segment `{name}`s only: matched without the regex. */
  private readonly segments: SegmentTemplate | undefined;

  constructor(
    readonly pattern: string,
    readonly separator: '/' | '.',
  ) {
    const names: string[] = [];
    this.isLiteral = !/[*?{]/.test(pattern);
    this.regex = this.isLiteral ? undefined : compile(pattern, separator, names);
    this.variableNames = names;
    this.segments = this.isLiteral ? undefined : segmentTemplate(pattern, separator);
  }

  matches(destination: string): boolean {
    if (this.segments) return this.segments.match(destination, undefined);
    return this.regex ? this.regex.test(destination) : destination === this.pattern;
  }

  /** Variables of a matching destination, or `undefined` when it does not match. */
  match(destination: string): Record<string, string> | undefined {
    if (this.segments) {
      const variables: Record<string, string> = {};
      return this.segments.match(destination, variables) ? variables : undefined;
    }
    if (!this.regex) return destination === this.pattern ? {} : undefined;
    const result = this.regex.exec(destination);
    if (!result) return undefined;
    const variables: Record<string, string> = {};
    for (let i = 0; i < this.variableNames.length; i++) variables[this.variableNames[i]!] = result[i + 1]!;
    return variables;
  }
}

/**
 * The common mapping (`/echo/{id}`, `room.{roomId}.join`): literal text around variables that are
 * whole segments. A variable takes everything up to the next separator (the regex's `[^sep]+`), so
 * matching is a walk of `startsWith` and `indexOf`, without a regex's match array.
 */
class SegmentTemplate {
  constructor(
    /** Literal text around the variables: one more than `names`. */
    private readonly literals: readonly string[],
    private readonly names: readonly string[],
    private readonly separator: string,
  ) {}

  match(destination: string, variables: Record<string, string> | undefined): boolean {
    let at = 0;
    for (let i = 0; i < this.names.length; i++) {
      const literal = this.literals[i]!;
      if (!destination.startsWith(literal, at)) return false;
      at += literal.length;
      let end = destination.indexOf(this.separator, at);
      if (end === -1) end = destination.length;
      // `[^sep]+`: a variable is never empty.
      if (end === at) return false;
      if (variables) variables[this.names[i]!] = destination.slice(at, end);
      at = end;
    }
    const last = this.literals[this.names.length]!;
    return destination.length - at === last.length && destination.startsWith(last, at);
  }
}

/** The pattern as a {@link SegmentTemplate}, or `undefined` when it has wildcards or a variable inside a segment. */
function segmentTemplate(pattern: string, separator: string): SegmentTemplate | undefined {
  const literals: string[] = [];
  const names: string[] = [];
  let literal = '';
  const segments = pattern.split(separator);
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    if (i > 0) literal += separator;
    const variable = /^\{([^{}:]+)\}$/.exec(segment);
    if (variable) {
      literals.push(literal);
      names.push(variable[1]!);
      literal = '';
    } else if (/[*?{}]/.test(segment)) return undefined;
    else literal += segment;
  }
  literals.push(literal);
  // Two variables of one name: the regex keeps the last; rare enough to leave to it.
  if (new Set(names).size !== names.length) return undefined;
  return new SegmentTemplate(literals, names, separator);
}

function compile(pattern: string, separator: string, names: string[]): RegExp {
  const sep = escapeRegExp(separator);
  const notSep = `[^${sep}]`;
  // Consecutive `**` segments mean the same as one (AntPathMatcher skips the repeats).
  const segments = pattern.split(separator).filter((segment, i, all) => !(segment === '**' && all[i - 1] === '**'));
  let source = '';
  segments.forEach((segment, i) => {
    const first = i === 0;
    const last = i === segments.length - 1;
    if (segment === '**') {
      // Zero or more whole segments: "/a/**" matches "/a" too, as AntPathMatcher.
      if (last) source += first ? '.*' : `(?:${sep}.*)?`;
      else source += first ? `(?:.*${sep})?` : `${sep}(?:.*${sep})?`;
      return;
    }
    if (!first && segments[i - 1] !== '**') source += sep;
    source += compileSegment(segment, notSep, names);
  });
  return new RegExp(`^${source}$`);
}

function compileSegment(segment: string, notSep: string, names: string[]): string {
  let out = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i]!;
    if (c === '*') out += `${notSep}*`;
    else if (c === '?') out += notSep;
    else if (c === '{') {
      const close = findClosingBrace(segment, i);
      const body = segment.slice(i + 1, close);
      const colon = body.indexOf(':');
      names.push(colon === -1 ? body : body.slice(0, colon));
      // Groups of the custom regex must not capture, or variables would shift; escaped parentheses
      // and parentheses inside a character class are not groups.
      const custom = body.slice(colon + 1).replace(/\\.|\[(?:\\.|[^\]\\])*\]|\((?!\?)/g, (m) => (m === '(' ? '(?:' : m));
      out += colon === -1 ? `(${notSep}+)` : `(${custom})`;
      i = close;
    } else out += escapeRegExp(c);
  }
  return out;
}

function findClosingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return i;
  }
  throw new Error(`Unclosed '{' in destination pattern segment '${text}'`);
}
