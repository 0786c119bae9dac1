import { DestinationPattern } from './destination-pattern.js';

const slash = (pattern: string) => new DestinationPattern(pattern, '/');
const dot = (pattern: string) => new DestinationPattern(pattern, '.');

describe('DestinationPattern', () => {
  describe('literal patterns', () => {
    it('marks patterns without wildcards or variables as literal and compares them exactly', () => {
      const pattern = slash('/topic/greetings');
      expect(pattern.isLiteral).toBe(true);
      expect(pattern.variableNames).toEqual([]);
      expect(pattern.matches('/topic/greetings')).toBe(true);
      expect(pattern.match('/topic/greetings')).toEqual({});
      expect(pattern.matches('/topic/greetings/x')).toBe(false);
      expect(pattern.matches('/topic/greeting')).toBe(false);
      expect(pattern.matches('/Topic/greetings')).toBe(false);
      expect(pattern.match('/topic/other')).toBeUndefined();
    });

    it.each(['/topic/*', '/topic/?', '/topic/**', '/topic/{id}', '/topic/{id:\\d+}'])('%s is not literal', (p) => {
      expect(slash(p).isLiteral).toBe(false);
    });

    it('treats regex metacharacters in a literal pattern as plain characters', () => {
      const plus = slash('/topic/a+b');
      expect(plus.isLiteral).toBe(true);
      expect(plus.matches('/topic/a+b')).toBe(true);
      expect(plus.matches('/topic/aab')).toBe(false);
      expect(plus.matches('/topic/aaab')).toBe(false);

      const parens = slash('/topic/(x)');
      expect(parens.isLiteral).toBe(true);
      expect(parens.matches('/topic/(x)')).toBe(true);
      expect(parens.matches('/topic/x')).toBe(false);
    });

    it('escapes regex metacharacters in the literal parts of a wildcard pattern', () => {
      const plus = slash('/topic/a+b/*');
      expect(plus.isLiteral).toBe(false);
      expect(plus.matches('/topic/a+b/x')).toBe(true);
      expect(plus.matches('/topic/aab/x')).toBe(false);
      expect(plus.matches('/topic/aaab/x')).toBe(false);

      const parens = slash('/topic/(x)/*');
      expect(parens.matches('/topic/(x)/y')).toBe(true);
      expect(parens.matches('/topic/x/y')).toBe(false);

      const others = slash('/t/[a]|^$.\\/*');
      expect(others.matches('/t/[a]|^$.\\/z')).toBe(true);
      expect(others.matches('/t/a/z')).toBe(false);
      expect(others.matches('/t/[a]|^$x\\/z')).toBe(false);
    });

    it("escapes the '.' of literal parts so it does not match any character", () => {
      const pattern = slash('/topic/a.b/*');
      expect(pattern.matches('/topic/a.b/x')).toBe(true);
      expect(pattern.matches('/topic/axb/x')).toBe(false);
    });
  });

  describe("'?'", () => {
    it('matches exactly one character that is not the separator', () => {
      const pattern = slash('/topic/a?c');
      expect(pattern.matches('/topic/abc')).toBe(true);
      expect(pattern.matches('/topic/aXc')).toBe(true);
      expect(pattern.matches('/topic/ac')).toBe(false);
      expect(pattern.matches('/topic/abbc')).toBe(false);
      expect(pattern.matches('/topic/a/c')).toBe(false);
    });

    it("does not match the '.' separator but matches '.' when the separator is '/'", () => {
      expect(dot('/topic/a?c').matches('/topic/a.c')).toBe(false);
      expect(slash('/topic/a?c').matches('/topic/a.c')).toBe(true);
      expect(dot('/topic/a?c').matches('/topic/a/c')).toBe(true);
    });
  });

  describe("'*'", () => {
    it('matches any characters within one segment, including none', () => {
      const pattern = slash('/topic/*');
      expect(pattern.matches('/topic/a')).toBe(true);
      expect(pattern.matches('/topic/anything-at-all')).toBe(true);
      expect(pattern.matches('/topic/')).toBe(true);
      expect(pattern.matches('/topic/a/b')).toBe(false);
      expect(pattern.matches('/topic')).toBe(false);
      expect(pattern.matches('/queue/a')).toBe(false);
    });

    it('can stand inside a segment', () => {
      const pattern = slash('/topic/price-*-usd');
      expect(pattern.matches('/topic/price-acme-usd')).toBe(true);
      expect(pattern.matches('/topic/price--usd')).toBe(true);
      expect(pattern.matches('/topic/price-acme-eur')).toBe(false);
      expect(pattern.matches('/topic/price-a/b-usd')).toBe(false);
      expect(pattern.match('/topic/price-acme-usd')).toEqual({});
    });

    it("with separator '.', stays inside a dot-separated segment (AntPathMatcher(\".\"))", () => {
      const pattern = dot('/topic/stocks.*');
      expect(pattern.matches('/topic/stocks.ACME')).toBe(true);
      expect(pattern.matches('/topic/stocks.A.B')).toBe(false);
      expect(pattern.matches('/topic/stocks')).toBe(false);
      // '/' is not a separator with '.', so '*' crosses it.
      expect(pattern.matches('/topic/stocks.A/B')).toBe(true);
    });

    it("with separator '/', crosses dots", () => {
      const pattern = slash('/topic/stocks.*');
      expect(pattern.matches('/topic/stocks.a.b')).toBe(true);
      expect(pattern.matches('/topic/stocks.ACME')).toBe(true);
      expect(pattern.matches('/topic/stocks.a/b')).toBe(false);
      expect(pattern.matches('/topic/stocksXa')).toBe(false);
    });
  });

  describe("'**'", () => {
    it('at the end matches zero or more segments', () => {
      const pattern = slash('/topic/**');
      expect(pattern.matches('/topic')).toBe(true);
      expect(pattern.matches('/topic/a')).toBe(true);
      expect(pattern.matches('/topic/a/b')).toBe(true);
      expect(pattern.matches('/topic/a/b/c/d')).toBe(true);
      expect(pattern.matches('/topics')).toBe(false);
      expect(pattern.matches('/topicx/a')).toBe(false);
      expect(pattern.matches('/queue/a')).toBe(false);
    });

    it('in the middle matches zero or more whole segments', () => {
      const pattern = slash('/a/**/b');
      expect(pattern.matches('/a/b')).toBe(true);
      expect(pattern.matches('/a/x/b')).toBe(true);
      expect(pattern.matches('/a/x/y/b')).toBe(true);
      expect(pattern.matches('/a/xb')).toBe(false);
      expect(pattern.matches('/a/x/yb')).toBe(false);
      expect(pattern.matches('/a/x/b/c')).toBe(false);
      expect(pattern.matches('/ab')).toBe(false);
      expect(pattern.matches('/c/x/b')).toBe(false);
    });

    it('at the start matches zero or more leading segments', () => {
      const pattern = slash('**/b');
      expect(pattern.matches('b')).toBe(true);
      expect(pattern.matches('/b')).toBe(true);
      expect(pattern.matches('/a/x/b')).toBe(true);
      expect(pattern.matches('/a/xb')).toBe(false);
      expect(pattern.matches('/a/b/c')).toBe(false);
    });

    it('alone matches everything', () => {
      const pattern = slash('**');
      expect(pattern.matches('')).toBe(true);
      expect(pattern.matches('/a/b/c')).toBe(true);
    });

    it("with separator '.', counts dot-separated segments", () => {
      const tail = dot('/topic/stocks.**');
      expect(tail.matches('/topic/stocks')).toBe(true);
      expect(tail.matches('/topic/stocks.A')).toBe(true);
      expect(tail.matches('/topic/stocks.A.B')).toBe(true);
      expect(tail.matches('/topic/stocksA')).toBe(false);

      const middle = dot('a.**.b');
      expect(middle.matches('a.b')).toBe(true);
      expect(middle.matches('a.x.y.b')).toBe(true);
      expect(middle.matches('a.xb')).toBe(false);
    });

    it('repeated (/**/**/) means the same as one', () => {
      const middle = slash('/a/**/**/b');
      expect(middle.matches('/a/b')).toBe(true);
      expect(middle.matches('/a/x/b')).toBe(true);
      expect(middle.matches('/a/x/y/b')).toBe(true);
      expect(middle.matches('/a/xb')).toBe(false);

      const tail = slash('/a/**/**');
      expect(tail.matches('/a')).toBe(true);
      expect(tail.matches('/a/x')).toBe(true);
      expect(tail.matches('/a/x/y')).toBe(true);
      expect(tail.matches('/ab')).toBe(false);
    });

    it('combines with variables', () => {
      const pattern = slash('/topic/{room}/**');
      expect(pattern.match('/topic/lobby')).toEqual({ room: 'lobby' });
      expect(pattern.match('/topic/lobby/a/b')).toEqual({ room: 'lobby' });
      expect(pattern.match('/topic')).toBeUndefined();
    });
  });

  describe('variables', () => {
    it('captures {name} as one segment', () => {
      const pattern = slash('/app/rooms/{room}/messages');
      expect(pattern.variableNames).toEqual(['room']);
      expect(pattern.match('/app/rooms/lobby/messages')).toEqual({ room: 'lobby' });
      expect(pattern.match('/app/rooms/a/b/messages')).toBeUndefined();
      expect(pattern.match('/app/rooms//messages')).toBeUndefined();
      expect(pattern.matches('/app/rooms/lobby/messages')).toBe(true);
    });

    it('captures several variables in order, also within one segment', () => {
      const pattern = slash('/app/{a}/x/{b}-{c}');
      expect(pattern.variableNames).toEqual(['a', 'b', 'c']);
      expect(pattern.match('/app/one/x/two-three')).toEqual({ a: 'one', b: 'two', c: 'three' });
    });

    it('applies a custom regex from {name:regex}', () => {
      const pattern = slash('/app/orders/{id:\\d+}');
      expect(pattern.variableNames).toEqual(['id']);
      expect(pattern.match('/app/orders/42')).toEqual({ id: '42' });
      expect(pattern.match('/app/orders/4x2')).toBeUndefined();
      expect(pattern.match('/app/orders/')).toBeUndefined();
      expect(pattern.matches('/app/orders/abc')).toBe(false);
    });

    it('keeps variable positions right when the custom regex has groups of its own', () => {
      const pattern = slash('/app/{kind:(?:a|b)(c|d)}/{id}');
      expect(pattern.variableNames).toEqual(['kind', 'id']);
      expect(pattern.match('/app/ad/7')).toEqual({ kind: 'ad', id: '7' });
      expect(pattern.match('/app/ae/7')).toBeUndefined();
    });

    it('keeps escaped parentheses and parentheses in a character class of a custom regex literal', () => {
      const escaped = slash('/app/{x:\\(\\w+\\)}/{y}');
      expect(escaped.match('/app/(abc)/z')).toEqual({ x: '(abc)', y: 'z' });
      expect(escaped.match('/app/abc/z')).toBeUndefined();

      const inClass = slash('/app/{x:[(]+(a|b)}/{y}');
      expect(inClass.match('/app/((b/z')).toEqual({ x: '((b', y: 'z' });
      expect(inClass.match('/app/b/z')).toBeUndefined();
    });

    // A '(' inside [...] is a literal: turned into '(?:' it would add '?' and ':' to the class.
    it('keeps parentheses in multi-character classes of a custom regex, escaped brackets included', () => {
      const multi = slash('/app/{x:[(ab]+}/{y}');
      expect(multi.variableNames).toEqual(['x', 'y']);
      expect(multi.match('/app/(ab(/z')).toEqual({ x: '(ab(', y: 'z' });
      expect(multi.match('/app/?/z')).toBeUndefined();
      expect(multi.match('/app/a:b/z')).toBeUndefined();

      const bracket = slash('/app/{x:[\\](]+}'); // the class [\](]: ']' and '('
      expect(bracket.match('/app/](')).toEqual({ x: '](' });
      expect(bracket.match('/app/?')).toBeUndefined();
      expect(bracket.match('/app/:')).toBeUndefined();

      const backslash = slash('/app/{x:[\\\\(]+}'); // the class [\\(]: a backslash and '('
      expect(backslash.match('/app/\\(')).toEqual({ x: '\\(' });
      expect(backslash.match('/app/?')).toBeUndefined();
    });

    it('allows braces inside the custom regex', () => {
      const pattern = slash('/app/{code:[A-Z]{3}}');
      expect(pattern.match('/app/USD')).toEqual({ code: 'USD' });
      expect(pattern.match('/app/US')).toBeUndefined();
      expect(pattern.match('/app/USDX')).toBeUndefined();
    });

    it("with separator '.', a variable stops at the dot", () => {
      const pattern = dot('/app/chat.{room}');
      expect(pattern.match('/app/chat.lobby')).toEqual({ room: 'lobby' });
      expect(pattern.match('/app/chat.a.b')).toBeUndefined();
      expect(slash('/app/chat.{room}').match('/app/chat.a.b')).toEqual({ room: 'a.b' });
    });

    it('throws on an unclosed brace', () => {
      expect(() => slash('/app/{room')).toThrow(/Unclosed '\{'/);
      expect(() => slash('/app/{id:\\d{2}')).toThrow(/Unclosed/);
    });
  });

  it('is anchored at both ends', () => {
    const pattern = slash('/topic/*');
    expect(pattern.matches('x/topic/a')).toBe(false);
    expect(pattern.matches('/topic/a/')).toBe(false);
  });
  describe('whole-segment variables (matched without the regex)', () => {
    // What the regex the pattern compiles to says: the walk must agree with it on every input.
    const byRegex = (pattern: string, separator: '/' | '.', destination: string): Record<string, string> | undefined => {
      const compiled = new DestinationPattern(pattern, separator) as unknown as { regex: RegExp; variableNames: string[] };
      const result = compiled.regex.exec(destination);
      if (!result) return undefined;
      return Object.fromEntries(compiled.variableNames.map((name, i) => [name, result[i + 1]!]));
    };
    const cases: [string, '/' | '.', string[]][] = [
      ['/echo/{id}', '/', ['/echo/7', '/echo/', '/echo', '/echo/7/', '/echo/7/8', '/echox/7', 'echo/7', '/echo/a.b', '//echo/7']],
      ['/room/{room}/user/{user}', '/', ['/room/a/user/b', '/room/a/user/', '/room//user/b', '/room/a/b/user/c', '/room/a/user/b/c', '/room/a/users/b']],
      ['{a}/{b}', '/', ['x/y', 'x/', '/y', 'x/y/z', 'xy']],
      ['room.{roomId}.join', '.', ['room.1.join', 'room..join', 'room.1.2.join', 'room.1/2.join', 'room.1.joins', 'room.1.join.']],
      ['{x}', '.', ['a', '', 'a.b', 'a/b']],
    ];
    it.each(cases)('%s (%s) matches as its regex does', (pattern, separator, destinations) => {
      const compiled = new DestinationPattern(pattern, separator);
      for (const destination of destinations) {
        const expected = byRegex(pattern, separator, destination);
        expect([destination, compiled.match(destination)]).toEqual([destination, expected]);
        expect([destination, compiled.matches(destination)]).toEqual([destination, expected !== undefined]);
      }
    });
  });
});
