/**
 * The `for` addresses of an RFC 7239 `Forwarded` header, left to right (the client first, each
 * proxy's peer after it), as `X-Forwarded-For` lists them: `for=192.0.2.60;proto=http, for="[2001:db8::17]:4711"`
 * gives `['192.0.2.60', '2001:db8::17']`. Ports are dropped (IPv4 `:port`, IPv6 `[...]:port`); an
 * obfuscated identifier (`_hidden`) or `unknown` stays as written, and an element without `for`
 * counts as `unknown`: neither is an address, so no trust check ever passes it. Quoted strings may
 * hold `,` and `;`, which do not split there.
 */
export function forwardedFor(header: string): string[] {
  return splitOutsideQuotes(header, ',')
    .filter((element) => element.trim() !== '')
    .map((element) => {
      for (const pair of splitOutsideQuotes(element, ';')) {
        const equals = pair.indexOf('=');
        if (equals === -1 || pair.slice(0, equals).trim().toLowerCase() !== 'for') continue;
        const node = nodeAddress(unquote(pair.slice(equals + 1).trim()));
        // A quoted value may hold ',' or spaces: joined into one X-Forwarded-For list it would add
        // hops of the client's choosing. No address holds them.
        return /[\s,]/.test(node) ? 'unknown' : node;
      }
      return 'unknown';
    });
}

/** A node (RFC 7239 §6) without its port: `[v6]:port` → `v6`, `v4:port` → `v4`; identifiers as they are. */
function nodeAddress(node: string): string {
  if (node.startsWith('[')) {
    const end = node.indexOf(']');
    return end === -1 ? node : node.slice(1, end);
  }
  const colon = node.indexOf(':');
  // One colon: IPv4 (or an identifier) with a port. More: a bare IPv6 some proxies write unbracketed.
  return colon !== -1 && colon === node.lastIndexOf(':') ? node.slice(0, colon) : node;
}

function unquote(value: string): string {
  if (value.length < 2 || !value.startsWith('"') || !value.endsWith('"')) return value;
  return value.slice(1, -1).replace(/\\(.)/g, '$1');
}

function splitOutsideQuotes(text: string, separator: ',' | ';'): string[] {
  const parts: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '\\' && quoted) i++;
    else if (char === '"') quoted = !quoted;
    else if (char === separator && !quoted) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}
