import { StompProtocolError } from '../errors/stomp-protocol.error.js';
import { truncate } from '../util/truncate.js';
import { unescapeHeaderText } from './header-escaping.js';
import { usesHeaderEscaping } from './stomp-commands.js';
import { createHeaders, type StompHeaders } from './stomp-frame.js';
import type { StompVersion } from './stomp-version.js';

/**
 * A frame's command line and header lines (`text`: everything before the blank line, each line
 * ending in `\n`, maybe `\r\n`), header names and values unescaped as the command and `version`
 * ask. Of repeated headers the first wins. Throws a StompProtocolError for a line without a name
 * or an escape sequence the version does not define.
 */
export function parseHeaderBlock(text: string, version: StompVersion): { command: string; headers: StompHeaders } {
  // Walked line by line in place (no array of lines); a `\r` before `\n` is looked for only when the text has one.
  const crlf = text.includes('\r');
  const firstEnd = text.indexOf('\n');
  const command = lineAt(text, 0, firstEnd === -1 ? text.length : firstEnd, crlf);
  const escaped = usesHeaderEscaping(command);
  const headers = createHeaders();
  if (firstEnd === -1) return { command, headers };
  // The text after the last `\n` is no line (the blank line's predecessor ended with it).
  for (let start = firstEnd + 1, end = text.indexOf('\n', start); end !== -1; start = end + 1, end = text.indexOf('\n', start)) {
    // Name and value are cut from the text directly: the line itself is made only for an error.
    const lineEnd = crlf && end > start && text.charCodeAt(end - 1) === 0x0d ? end - 1 : end;
    const colon = text.indexOf(':', start);
    if (colon <= start || colon >= lineEnd) {
      throw new StompProtocolError('STOMP_ERR_ILLEGAL_HEADER', `Illegal header: '${truncate(text.slice(start, lineEnd))}'`);
    }
    const rawName = text.slice(start, colon);
    const rawValue = text.slice(colon + 1, lineEnd);
    const name = escaped ? unescapeHeaderText(rawName, version) : rawName;
    const value = escaped ? unescapeHeaderText(rawValue, version) : rawValue;
    if (name === undefined || value === undefined) {
      throw new StompProtocolError(
        'STOMP_ERR_ILLEGAL_ESCAPE',
        `Illegal escape sequence in header: '${truncate(text.slice(start, lineEnd))}' (STOMP ${version} allows \\\\, \\n, \\c${version === '1.2' ? ', \\r' : ''})`,
      );
    }
    if (!(name in headers)) headers[name] = value;
  }
  return { command, headers };
}

/** The line from `start` to `end` (its `\n`), without the `\r` of a `\r\n`. */
function lineAt(text: string, start: number, end: number, crlf: boolean): string {
  return text.slice(start, crlf && end > start && text.charCodeAt(end - 1) === 0x0d ? end - 1 : end);
}
