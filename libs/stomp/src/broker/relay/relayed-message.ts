const LF = 0x0a;
const CR = 0x0d;
const RECEIPT = Buffer.from('receipt:');
const CONTENT_LENGTH = Buffer.from('content-length:');

/**
 * Per-hop headers never copied from the broker's MESSAGE onto the client's. RabbitMQ copies every
 * header of a SEND into the MESSAGEs it makes, the SEND's own `receipt` included; each SEND the
 * relay forwards carries a receipt of the relay's making (to learn the broker has the message), so
 * without this every client MESSAGE would say `receipt:r7`. A client's own `receipt` never reaches
 * the broker (the relay's NOT_FORWARDED), so a `receipt` on a MESSAGE is never the client's. `content-length`
 * is the broker's count for its encoding: the client's is recomputed on the way out. Everything else
 * (`message-id`, `redelivered`, `ack`, `persistent`...) is what the broker meant for the client.
 */
export const NOT_DELIVERED: ReadonlySet<string> = new Set(['receipt', 'content-length']);

/**
 * A broker's MESSAGE as a STOMP 1.2 client gets it, made from the broker's own bytes (`raw`,
 * command line to NUL) rather than decoded and encoded again. The relay speaks 1.2 to the broker,
 * so names and values are escaped as the client expects, and it subscribes with the client's own
 * subscription id, so `subscription` is already right. Only `content-length` and `receipt` may
 * change, as the encoder would have them: every `receipt` line is cut (see `NOT_DELIVERED`); an
 * empty body has no `content-length`, a non-empty one gets the broker's count (the same bytes) or,
 * when the broker gave none, one added. Always a fresh buffer: `raw` is the decoder's memory.
 */
export function relayedMessageBytes(raw: Buffer, bodyLength: number): Buffer {
  let cuts: number[] | undefined;
  let hasLength = false;
  let lineStart = raw.indexOf(LF) + 1;
  for (;;) {
    const lineEnd = raw.indexOf(LF, lineStart);
    // The decoder found the blank line that ends the headers: the walk stops there.
    if (lineEnd === -1 || lineEnd === lineStart || (lineEnd === lineStart + 1 && raw[lineStart] === CR)) break;
    const isLength = startsWith(raw, lineStart, CONTENT_LENGTH);
    hasLength ||= isLength;
    if (startsWith(raw, lineStart, RECEIPT) || (isLength && bodyLength === 0)) (cuts ??= []).push(lineStart, lineEnd + 1);
    lineStart = lineEnd + 1;
  }
  const added = bodyLength > 0 && !hasLength ? `content-length:${bodyLength}\n` : '';
  if (!cuts && !added) return Buffer.from(raw);
  let length = raw.length + added.length;
  for (let i = 0; cuts && i < cuts.length; i += 2) length -= cuts[i + 1]! - cuts[i]!;
  const out = Buffer.allocUnsafe(length);
  // Kept ranges of `raw`, the added line written where the blank line starts.
  let from = 0;
  let to = 0;
  for (let i = 0; cuts && i < cuts.length; i += 2) {
    to += raw.copy(out, to, from, cuts[i]!);
    from = cuts[i + 1]!;
  }
  if (added) {
    to += raw.copy(out, to, from, lineStart);
    to += out.write(added, to, 'latin1');
    from = lineStart;
  }
  raw.copy(out, to, from);
  return out;
}

function startsWith(bytes: Buffer, at: number, prefix: Buffer): boolean {
  if (at + prefix.length > bytes.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[at + i] !== prefix[i]) return false;
  return true;
}
