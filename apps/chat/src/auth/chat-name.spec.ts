import { checkName, NAME_RULE } from './chat-name.js';

const accepted = (raw: string) => {
  const check = checkName(raw);
  return check.ok ? check.name : `refused: ${check.reason}`;
};

describe('chat names', () => {
  it('normalise with NFKC and lower case, so that forms of one name are one user', () => {
    expect(['bob', 'BOB', 'ｂｏｂ', 'Ｂｏｂ', 'ℬob'].map(accepted)).toEqual(['bob', 'bob', 'bob', 'bob', 'bob']);
    expect(accepted('Jose\u0301')).toBe('josé');
  });

  it('take letters of one script, ASCII digits and _ . -', () => {
    expect(['anna-lena', 'x_1.2', 'Ζωή', 'Борис', '李小龍', 'やまだ太郎', '김민준', 'नमस्ते', 'שלום'].map(accepted)).toEqual([
      'anna-lena', 'x_1.2', 'ζωή', 'борис', '李小龍', 'やまだ太郎', '김민준', 'नमस्ते', 'שלום',
    ]);
  });

  it.each([
    ['bоb', 'mixes scripts (Latin, Cyrillic)'],
    ['paypаl', 'mixes scripts (Latin, Cyrillic)'],
    ['ΑΒC', 'mixes scripts (Greek, Latin)'],
    ['рор', "look like the Latin name 'pop'"],
    ['асе', "look like the Latin name 'ace'"],
    ['ορο', "look like the Latin name 'opo'"],
    ['օս', "look like the Latin name 'ou'"],
    ['bob\u202E', 'direction-changing character (U+202E)'],
    ['\u202Dbob', 'U+202D'],
    ['bob\u2066', 'U+2066'],
    ['bo\u200Db', 'U+200D'],
    ['bob\u200F', 'U+200F'],
    ['bob\n', 'U+000A'],
    ['b o b', NAME_RULE],
    ['', NAME_RULE],
    ['x'.repeat(33), NAME_RULE],
    ['bob٣', NAME_RULE],
    ['...', NAME_RULE],
    ['-_-', NAME_RULE],
    ['bıll', "ı (U+0131) passes for the letter 'i'"],
    ['ɡoogle', "passes for the letter 'g'"],
    ['admin', 'reserved'],
    ['ADMIN', 'reserved'],
    ['ad_min', 'reserved'],
    ['adm1n', 'reserved'],
    ['r00t', 'reserved'],
    ['system42', 'reserved'],
    ['nu11', 'reserved'],
    ['Anonymous', 'reserved'],
  ])('refuses %j (%s)', (raw, reason) => {
    expect(accepted(raw)).toContain(reason);
  });

  it('takes up to 32 characters, counted as characters rather than UTF-16 units', () => {
    expect(accepted('李'.repeat(32))).toBe('李'.repeat(32));
    expect(accepted('𠀀'.repeat(32))).toBe('𠀀'.repeat(32));
  });
});

