/** `{name}` placeholders; `{name:regex}` ones are mapping syntax and stay as written. */
const PLACEHOLDER = /\{([^}:]+)\}/g;

/**
 * A reply destination with `{var}` placeholders (`@SendTo('/topic/room.{roomId}')`), parsed once,
 * so that filling it for each reply is string joins, not a regular expression.
 */
export class DestinationTemplate {
  /** Templates come from decorators: a fixed, small set for the application's lifetime. */
  private static readonly parsed = new Map<string, DestinationTemplate>();

  private constructor(
    /** Literal text around the placeholders: one more than `names`. */
    private readonly literals: readonly string[],
    private readonly names: readonly string[],
  ) {}

  static of(template: string): DestinationTemplate {
    let parsed = DestinationTemplate.parsed.get(template);
    if (!parsed) {
      const literals: string[] = [];
      const names: string[] = [];
      let last = 0;
      for (const match of template.matchAll(PLACEHOLDER)) {
        literals.push(template.slice(last, match.index));
        names.push(match[1]!);
        last = match.index + match[0].length;
      }
      literals.push(template.slice(last));
      parsed = new DestinationTemplate(literals, names);
      DestinationTemplate.parsed.set(template, parsed);
    }
    return parsed;
  }

  /** The destination for one reply; a placeholder with no such variable stays as written. */
  fill(variables: Readonly<Record<string, string>>): string {
    if (this.names.length === 0) return this.literals[0]!;
    let out = this.literals[0]!;
    for (let i = 0; i < this.names.length; i++) {
      const name = this.names[i]!;
      out += (variables[name] ?? `{${name}}`) + this.literals[i + 1]!;
    }
    return out;
  }
}
