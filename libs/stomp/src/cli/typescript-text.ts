/** Small pieces of TypeScript source text the generator writes. */

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** The words of a text: `room.{roomId}` → `['room', 'roomId']`, `chat_message-dto` → `['chat', 'message', 'dto']`. */
export function wordsOf(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
}

/** `['chat', 'send']` → `chatSend`; never empty, never starting with a digit. */
export function camelCase(words: readonly string[], fallback: string): string {
  const text = words.map((word, index) => (index === 0 ? word.charAt(0).toLowerCase() + word.slice(1) : capitalize(word))).join('');
  return safeIdentifier(text, fallback);
}

/** `chat-message dto` → `ChatMessageDto`; never empty, never starting with a digit. */
export function pascalCase(text: string, fallback: string): string {
  return safeIdentifier(wordsOf(text).map(capitalize).join(''), fallback);
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

function safeIdentifier(text: string, fallback: string): string {
  if (text === '') return fallback;
  return /^[0-9]/.test(text) ? `_${text}` : text;
}

/** A property key as an object type writes it: bare when it is an identifier, else quoted. */
export function propertyKey(name: string): string {
  return IDENTIFIER.test(name) ? name : JSON.stringify(name);
}

/** A JSDoc comment of `text` at `indent`, or nothing; `*\/` in the text cannot end it early. */
export function docComment(text: unknown, indent: string): string {
  if (typeof text !== 'string' || text.trim() === '') return '';
  const lines = text.trim().replace(/\*\//g, '*\\/').split(/\r?\n/);
  if (lines.length === 1) return `${indent}/** ${lines[0]} */\n`;
  return `${indent}/**\n${lines.map((line) => `${indent} *${line ? ` ${line}` : ''}`).join('\n')}\n${indent} */\n`;
}

/** A string literal for generated code. */
export function stringLiteral(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r')}'`;
}

/** The text inside a template literal (type or value): backquotes, backslashes and `${` escaped. */
export function templateText(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${');
}

/** `string[]` for a simple element type, `Array<A | B>` for any other (a union, an object type). */
export function arrayOf(element: string): string {
  return /^[A-Za-z0-9_$]+(\[\])*$/.test(element) ? `${element}[]` : `Array<${element}>`;
}

/** The union of type texts, each once, in the order given; `never` for none. */
export function union(types: readonly string[]): string {
  const distinct = [...new Set(types)];
  if (distinct.includes('unknown')) return 'unknown';
  return distinct.length === 0 ? 'never' : distinct.join(' | ');
}
