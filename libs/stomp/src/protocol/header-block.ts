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
  const lines = text.split('\n');
  lines.pop(); // the blank line's predecessor ended with \n
  const command = stripCr(lines[0]!);
  const escaped = usesHeaderEscaping(command);
  const headers = createHeaders();
  for (let i = 1; i < lines.length; i++) {
    const line = stripCr(lines[i]!);
    const colon = line.indexOf(':');
    if (colon <= 0) {
      throw new StompProtocolError('STOMP_ERR_ILLEGAL_HEADER', `Illegal header: '${truncate(line)}'`);
    }
    const rawName = line.slice(0, colon);
    const rawValue = line.slice(colon + 1);
    const name = escaped ? unescapeHeaderText(rawName, version) : rawName;
    const value = escaped ? unescapeHeaderText(rawValue, version) : rawValue;
    if (name === undefined || value === undefined) {
      throw new StompProtocolError(
        'STOMP_ERR_ILLEGAL_ESCAPE',
        `Illegal escape sequence in header: '${truncate(line)}' (STOMP ${version} allows \\\\, \\n, \\c${version === '1.2' ? ', \\r' : ''})`,
      );
    }
    if (!(name in headers)) headers[name] = value;
  }
  return { command, headers };
}

function stripCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}
