/**
 * The names people chat under. A name is the user's identity (their `/user/` destinations, the
 * presence list, the sender of what they write), so two names that look alike must not be two
 * users. The rules, applied to the name after normalisation:
 * - NFKC, then lower case: `ｂｏｂ` (full width), `ℬob` and `BOB` are all `bob`, one user;
 * - only letters, ASCII digits, `_`, `.` and `-`, 1 to {@link MAX_NAME_LENGTH} characters: no
 *   spaces, no invisible or direction-changing characters (bidi overrides, zero-width joiners);
 * - letters of one script (Japanese and Korean may mix Han with their own scripts): `bоb` with a
 *   Cyrillic `о` is refused;
 * - a name in another script made only of letters that look like Latin ones (`рор` in Cyrillic
 *   looks like `pop`) is refused: it could pass for the Latin name; so is a Latin letter beyond
 *   ASCII that passes for an ASCII one (`ı` for `i`);
 * - names that could pass for the operators (`admin`, `system`, `adm1n`, `system2`...) are reserved.
 * What this leaves: digits and letters that look alike (`0`/`o`, `1`/`l`) stay distinct names, and
 * look-alikes between two non-Latin scripts are caught only through their Latin look-alikes. An
 * application with a user database checks new names against the Unicode confusables data (UTS #39).
 */
export const MAX_NAME_LENGTH = 32;

export type NameCheck = { readonly ok: true; readonly name: string } | { readonly ok: false; readonly reason: string };

/** What the page and the errors say a name may be made of. */
export const NAME_RULE = `use 1 to ${MAX_NAME_LENGTH} letters, digits, '_', '.' or '-'`;

/** Could pass for the people who run the chat, or for the chat's own labels. */
const RESERVED = new Set([
  'admin', 'administrator', 'anonymous', 'everyone', 'help', 'mod', 'moderator', 'nobody', 'null', 'official',
  'operator', 'owner', 'root', 'security', 'server', 'staff', 'support', 'system', 'undefined',
]);

/** Controls, format characters (bidi embeddings, overrides and isolates, zero-width characters) and line separators. */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;
const ALLOWED = /^[\p{L}\p{M}0-9_.-]+$/u;
const LETTER = /[\p{L}\p{M}]/u;
/** `...` or `-_-` alone names nobody. */
const LETTER_OR_DIGIT = /[\p{L}0-9]/u;

/** Scripts a name may be written in (by Unicode Script_Extensions). */
const SCRIPTS = [
  'Latin', 'Greek', 'Cyrillic', 'Armenian', 'Georgian', 'Hebrew', 'Arabic', 'Thaana', 'Devanagari', 'Bengali',
  'Gurmukhi', 'Gujarati', 'Oriya', 'Tamil', 'Telugu', 'Kannada', 'Malayalam', 'Sinhala', 'Thai', 'Lao', 'Tibetan',
  'Myanmar', 'Khmer', 'Ethiopic', 'Hangul', 'Hiragana', 'Katakana', 'Bopomofo', 'Han',
].map((script) => ({ script, test: new RegExp(`\\p{Script_Extensions=${script}}`, 'u') }));

/** Scripts written together (UTS #39 "highly restrictive"): any one script, or one of these. */
const SCRIPT_GROUPS: readonly (readonly string[])[] = [
  ...SCRIPTS.map(({ script }) => [script]),
  ['Han', 'Hiragana', 'Katakana'],
  ['Han', 'Hangul'],
  ['Han', 'Bopomofo'],
];

/** Lower-case letters of other scripts that look like a Latin letter (a subset of Unicode's confusables). */
const LATIN_LOOK_ALIKES: Readonly<Record<string, string>> = {
  // Cyrillic
  а: 'a', е: 'e', ё: 'ë', һ: 'h', і: 'i', ї: 'ï', ј: 'j', ӏ: 'l', о: 'o', р: 'p', ԛ: 'q', с: 'c', ѕ: 's', у: 'y', ѵ: 'v', ԝ: 'w', х: 'x', ԁ: 'd',
  // Greek
  α: 'a', γ: 'y', ι: 'i', ν: 'v', ο: 'o', ρ: 'p', υ: 'u', ϲ: 'c', ϳ: 'j',
  // Armenian
  հ: 'h', ո: 'n', ս: 'u', զ: 'q', ց: 'g', օ: 'o',
};

/** Latin letters beyond ASCII that pass for an ASCII one (`bıll` for `bill`): refused outright. */
const ASCII_LOOK_ALIKES: Readonly<Record<string, string>> = {
  ı: 'i', ɩ: 'i', ɪ: 'i', ȷ: 'j', ɑ: 'a', ɡ: 'g', ɢ: 'g', ʏ: 'y', ɴ: 'n', ʀ: 'r', ʟ: 'l', ᴏ: 'o', ᴄ: 'c', ᴠ: 'v', ᴡ: 'w', ᴢ: 'z', ꜱ: 's',
};

/** The name as the chat knows it: NFKC, lower case. Not yet checked: see {@link checkName}. */
export function normalizeName(raw: string): string {
  return raw.normalize('NFKC').toLowerCase().normalize('NFKC');
}

/** Normalises `raw` and checks it against the rules above. */
export function checkName(raw: string): NameCheck {
  if (typeof raw !== 'string') return { ok: false, reason: `a name must be text: ${NAME_RULE}` };
  const name = normalizeName(raw);
  const shown = showable(name);
  const invisible = INVISIBLE.exec(name);
  if (invisible) {
    return { ok: false, reason: `'${shown}' is not a valid name: it contains an invisible or direction-changing character (${codePoint(invisible[0])})` };
  }
  const length = [...name].length;
  if (length < 1 || length > MAX_NAME_LENGTH || !ALLOWED.test(name) || !LETTER_OR_DIGIT.test(name)) return { ok: false, reason: `'${shown}' is not a valid name: ${NAME_RULE}` };

  const letters = [...name].filter((c) => LETTER.test(c));
  const scriptsOf = letters.map((c) => SCRIPTS.filter(({ test }) => test.test(c)).map(({ script }) => script));
  const unknown = letters.find((_, i) => scriptsOf[i]!.length === 0);
  if (unknown !== undefined) return { ok: false, reason: `'${shown}' is not a valid name: ${codePoint(unknown)} is not a letter of a script names are written in` };
  const group = SCRIPT_GROUPS.find((scripts) => scriptsOf.every((own) => own.some((s) => scripts.includes(s))));
  if (!group) {
    const mixed = [...new Set(scriptsOf.map((own) => own[0]!))].join(', ');
    return { ok: false, reason: `'${shown}' is not a valid name: it mixes scripts (${mixed}); write it in one` };
  }
  if (letters.length > 0 && !group.includes('Latin') && letters.every((c) => LATIN_LOOK_ALIKES[c] !== undefined)) {
    const latin = [...name].map((c) => LATIN_LOOK_ALIKES[c] ?? c).join('');
    return { ok: false, reason: `'${shown}' is not a valid name: its ${group.join('/')} letters look like the Latin name '${latin}'` };
  }
  const passing = [...name].find((c) => ASCII_LOOK_ALIKES[c] !== undefined);
  if (passing !== undefined) {
    return { ok: false, reason: `'${shown}' is not a valid name: ${passing} (${codePoint(passing)}) passes for the letter '${ASCII_LOOK_ALIKES[passing]}'` };
  }
  if (isReserved(name)) return { ok: false, reason: `'${shown}' is reserved: choose another name` };
  return { ok: true, name };
}

/** `admin`, `Adm1n`, `ad-min`, `system2`, `root_`: the reserved word under separators, trailing digits and digit look-alikes. */
function isReserved(name: string): boolean {
  const bare = name.replace(/[_.-]/g, '');
  const digitsAsLetters = (one: string) => bare.replace(/[013457]/g, (d) => ({ '0': 'o', '1': one, '3': 'e', '4': 'a', '5': 's', '7': 't' })[d]!);
  return [bare, bare.replace(/\d+$/, ''), digitsAsLetters('i'), digitsAsLetters('l')].some((candidate) => RESERVED.has(candidate));
}

/** The name for an error message: invisible and non-ASCII-space characters written as code points. */
function showable(name: string): string {
  return [...name].map((c) => (INVISIBLE.test(c) || (/\s/u.test(c) && c !== ' ') ? codePoint(c) : c)).join('');
}

function codePoint(c: string): string {
  return `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}
