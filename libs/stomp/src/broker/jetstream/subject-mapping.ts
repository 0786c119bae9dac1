import { StompProtocolError } from '../../errors/stomp-protocol.error.js';
import { truncate } from '../../util/truncate.js';

/**
 * Longest subject this broker makes, in bytes. A NATS server refuses a protocol line longer than its
 * `max_control_line` (4 KiB by default) by dropping the whole connection, every client's traffic
 * with it; a subject also travels inside longer lines (a consumer's creation request), hence the room.
 */
export const MAX_SUBJECT_BYTES = 3072;

/**
 * The reversible mapping between broker destinations and NATS subjects (README "JetStream").
 *
 * A destination's segments (split by the `pathSeparator`; with `/` the leading one, which every
 * broker prefix has, is dropped) become the subject's tokens, after a namespace token that says how
 * the destination is carried: `r<i>` kept by retention rule i's stream, `q` a point-to-point queue,
 * `t` not kept (core NATS). So `/topic/chat.general` (separator `/`) kept by the first rule is
 * `stomp.r0.topic.chat%2Egeneral`, and with the separator `.` it is `stomp.r0./topic/chat.general`.
 *
 * A token may not hold `.`, `*`, `>` or white space: those characters, and `%` itself, are written
 * `%XX` (their UTF-8 bytes in hex), and an empty segment is a lone `%`, which no escape produces.
 */
const ESCAPED = /[%.*>\s\u0000-\u001f\u007f]/gu;

export function encodeSegment(segment: string): string {
  if (segment === '') return '%';
  return segment.replace(ESCAPED, (char) =>
    [...Buffer.from(char, 'utf8')].map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
  );
}

export function decodeSegment(token: string): string {
  return token === '%' ? '' : decodeURIComponent(token);
}

/** The segments of a destination (or pattern), as the subject carries them. */
function segmentsOf(destination: string, separator: '/' | '.'): string[] {
  const relative = separator === '/' && destination.startsWith('/') ? destination.slice(1) : destination;
  return relative.split(separator);
}

/** `prefix.namespace.tokens...` for one destination. */
export function destinationToSubject(destination: string, separator: '/' | '.', prefix: string, namespace: string): string {
  return checked([prefix, namespace, ...segmentsOf(destination, separator).map(encodeSegment)].join('.'), destination);
}

function checked(subject: string, destination: string): string {
  const bytes = Buffer.byteLength(subject, 'utf8');
  if (bytes > MAX_SUBJECT_BYTES) {
    throw new StompProtocolError(
      'STOMP_ERR_ILLEGAL_HEADER',
      `Destination '${truncate(destination)}' is too long for the JetStream broker: its NATS subject would take ${bytes} bytes, at most ${MAX_SUBJECT_BYTES}`,
    );
  }
  return subject;
}

/** The destination a subject made by {@link destinationToSubject} came from (its prefix and namespace are skipped). */
export function subjectToDestination(subject: string, separator: '/' | '.', prefixTokens: number): string {
  const segments = subject.split('.').slice(prefixTokens + 1).map(decodeSegment);
  return (separator === '/' ? '/' : '') + segments.join(separator);
}

/**
 * The NATS subject a subscription pattern (`*`, `?` and `**` as the simple broker reads them) listens
 * on: a segment with a wildcard is the token wildcard `*`; `**` becomes `>` one level up, because
 * `/a/**` matches `/a` itself and NATS's `>` needs at least one token. The subject may be wider than
 * the pattern (`chat.*` inside a segment, `**` in the middle): deliveries are matched against the
 * pattern itself before they reach a subscriber.
 */
export function patternToSubject(pattern: string, separator: '/' | '.', prefix: string, namespace: string): string {
  const tokens: string[] = [prefix, namespace];
  for (const segment of segmentsOf(pattern, separator)) {
    if (segment === '**') {
      if (tokens.length > 2) tokens.pop();
      tokens.push('>');
      break;
    }
    tokens.push(/[*?]/.test(segment) ? '*' : encodeSegment(segment));
  }
  return checked(tokens.join('.'), pattern);
}
