import { randomFillSync } from 'node:crypto';

/** Ids made from one fill of the random pool, as Node's own `randomUUID` buffers them. */
const IDS_PER_FILL = 128;
const pool = Buffer.alloc(16 * IDS_PER_FILL);
let nextId = IDS_PER_FILL;
/** The id being written, dashes in place: one string is made of it, rather than one per hex pair. */
const text = Buffer.from('00000000-0000-4000-8000-000000000000', 'latin1');
const HEX = Buffer.from('0123456789abcdef', 'latin1');
/** Where each of the 16 bytes goes in `text`. */
const OFFSETS = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];

/**
 * A random (version 4) UUID, as `crypto.randomUUID()` gives, from the same cryptographic source:
 * session ids go to clients (CONNECTED's `session`) and name anonymous users in user destinations,
 * so they must stay unguessable. Cheaper than `randomUUID()`, which builds its string from 20
 * pieces: a connection storm opens one session after another.
 */
export function randomSessionId(): string {
  if (nextId === IDS_PER_FILL) {
    randomFillSync(pool);
    nextId = 0;
  }
  const at = 16 * nextId++;
  pool[at + 6] = (pool[at + 6]! & 0x0f) | 0x40;
  pool[at + 8] = (pool[at + 8]! & 0x3f) | 0x80;
  for (let i = 0; i < 16; i++) {
    const byte = pool[at + i]!;
    const to = OFFSETS[i]!;
    text[to] = HEX[byte >> 4]!;
    text[to + 1] = HEX[byte & 15]!;
  }
  return text.toString('latin1');
}
