import { isUtf8 } from 'node:buffer';
import fc from 'fast-check';

/**
 * Inputs for fuzzing a STOMP server over real WebSocket connections: valid sessions (a corpus of
 * every client frame with varied headers and bodies), random frames, random bytes, and mutations
 * of valid sessions (bit flips, truncations, insertions, deletions, duplications), each cut into
 * random WebSocket messages, text or binary.
 */

/** One WebSocket message of a fuzz case. */
export interface FuzzChunk {
  readonly data: Buffer;
  readonly binary: boolean;
}

export interface FuzzCase {
  /** What the case is, for the report of a failure. */
  readonly kind: 'valid' | 'random-frames' | 'random-bytes' | 'mutated';
  readonly chunks: readonly FuzzChunk[];
}

type Headers = ReadonlyArray<readonly [string, string]>;

/** One frame, written by hand: headers escaped the 1.2 way unless `raw`, terminated by `end`. */
export function encodeFrame(command: string, headers: Headers, body: Buffer = Buffer.alloc(0), options: { raw?: boolean; end?: string } = {}): Buffer {
  const escape = (text: string) => (options.raw ? text : text.replace(/[\\\r\n:]/g, (c) => ({ '\\': '\\\\', '\r': '\\r', '\n': '\\n', ':': '\\c' })[c]!));
  const head = `${command}\n${headers.map(([name, value]) => `${escape(name)}:${escape(value)}\n`).join('')}\n`;
  return Buffer.concat([Buffer.from(head, 'utf8'), body, Buffer.from(options.end ?? '\0', 'utf8')]);
}

/** Destinations the app serves: broker, application (mapped or not), user, with patterns. */
const GOOD_DESTINATIONS = [
  '/topic/fuzz.a',
  '/topic/fuzz.b',
  '/topic/fuzz.*',
  '/topic/fuzz/**',
  '/queue/fuzz',
  '/app/echo',
  '/app/async',
  '/app/fail',
  '/user/queue/fuzz',
  '/user/fuzzer/queue/fuzz',
] as const;
/** Destinations every one of which is refused somehow. */
const BAD_DESTINATIONS = ['/app/unmapped', '/queue/fuzz-user0123', '/topic/news', '/nowhere', '/topic/', '', '/topic/fuzz.a:b\\c'] as const;

const destination = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...GOOD_DESTINATIONS) }, { weight: 1, arbitrary: fc.constantFrom(...BAD_DESTINATIONS) });
/** What a client may SUBSCRIBE to (application destinations need a @SubscribeMapping, which the app has none of). */
const subscribeDestination = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('/topic/fuzz.a', '/topic/fuzz.*', '/topic/fuzz/**', '/queue/fuzz', '/user/queue/fuzz', '/topic/news') },
  { weight: 1, arbitrary: fc.constantFrom(...BAD_DESTINATIONS, '/app/echo', '/user/fuzzer/queue/fuzz') },
);
const small = fc.stringMatching(/^[a-z0-9-]{0,12}$/);
/** Header text a valid frame may carry once escaped: the characters that need escaping, no NUL. */
const escapable = fc.string({ maxLength: 16, unit: fc.constantFrom('a', ':', '\\', '\n', '\r', 'c', 'n', 't', 'é', '\u2603', ' ') });
const headerName = fc.oneof({ weight: 4, arbitrary: fc.stringMatching(/^x-[a-z0-9-]{1,10}$/) }, { weight: 1, arbitrary: escapable.filter((t) => t.length > 0) });
const headerValue = fc.oneof({ weight: 4, arbitrary: small }, { weight: 1, arbitrary: escapable });
/** Anything at all, NUL and broken UTF-8 included: for frames that are not meant to be valid. */
const headerText = fc.oneof({ weight: 2, arbitrary: small }, { weight: 1, arbitrary: escapable }, { weight: 1, arbitrary: fc.string({ maxLength: 16, unit: 'binary' }) });
const receipt = fc.option(small.map((s) => `r-${s}`), { nil: undefined });
/** Mostly valid, now and then not: most sessions get past CONNECT, where the interesting states are. */
function mostly<T>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<T>): fc.Arbitrary<T> {
  return fc.oneof({ weight: 15, arbitrary: good }, { weight: 1, arbitrary: bad });
}
const heartBeat = mostly(fc.constantFrom('0,0', '100,100', '1,1', '0,50', '5000,0'), fc.constantFrom('x,y', '1', '-1,-1', '99999999999,1'));
const versions = mostly(fc.constantFrom('1.0', '1.1', '1.2', '1.0,1.1,1.2', '1.1,1.2', undefined), fc.constantFrom('2.0', '', '1.3'));
const ackMode = mostly(fc.constantFrom('auto', 'client', 'client-individual', undefined), fc.constant('sometimes'));
const body = fc.oneof(
  fc.constant(Buffer.alloc(0)),
  fc.string({ maxLength: 200 }).map((s) => Buffer.from(s, 'utf8')),
  fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
);
const extraHeaders = fc.array(fc.tuple(headerName, headerValue), { maxLength: 3 });
const contentType = fc.constantFrom('text/plain', 'application/json', 'application/octet-stream', 'text/plain;charset=UTF-8', undefined);

function defined(entries: ReadonlyArray<readonly [string, string | undefined]>): Array<readonly [string, string]> {
  return entries.filter((entry): entry is readonly [string, string] => entry[1] !== undefined);
}

/** A body with an exact content-length (NULs allowed), or without one (NULs removed). */
function withBody(headers: Array<readonly [string, string]>, bytes: Buffer, exactLength: boolean): { headers: Headers; body: Buffer } {
  if (exactLength) return { headers: [...headers, ['content-length', String(bytes.length)]], body: bytes };
  return { headers, body: Buffer.from(bytes.filter((b) => b !== 0)) };
}

const connectFrame = fc
  .record({
    command: fc.constantFrom('CONNECT', 'STOMP'),
    version: versions,
    heartBeat: fc.option(heartBeat, { nil: undefined }),
    login: fc.option(mostly(fc.constantFrom('fuzzer', 'alice'), fc.constantFrom('bad', '')), { nil: undefined }),
    host: fc.option(fc.constantFrom('localhost', '/'), { nil: undefined }),
  })
  .map(({ command, version, heartBeat: hb, login, host }) =>
    encodeFrame(command, defined([['accept-version', version], ['heart-beat', hb], ['login', login], ['host', host]]), undefined, { raw: true }),
  );

const ids = fc.constantFrom('0', '1', '2', 'sub', 'x');
/** Sessions begin tx1 after CONNECT; tx2 is never begun. */
const transactions = mostly(fc.constant('tx1'), fc.constant('tx2'));
const inTransaction = fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: transactions });

/** Every client frame but CONNECT, most of them valid, some subtly not. */
const sessionFrame = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .record({ destination, body, exactLength: fc.boolean(), receipt, transaction: inTransaction, contentType, extra: extraHeaders })
      .map((f) => {
        const { headers, body: b } = withBody(
          [...defined([['destination', f.destination], ['receipt', f.receipt], ['transaction', f.transaction], ['content-type', f.contentType]]), ...f.extra],
          f.body,
          f.exactLength,
        );
        return encodeFrame('SEND', headers, b);
      }),
  },
  {
    weight: 3,
    arbitrary: fc
      .record({ id: ids, destination: subscribeDestination, ack: ackMode, receipt, extra: extraHeaders })
      .map((f) => encodeFrame('SUBSCRIBE', [...defined([['id', f.id], ['destination', f.destination], ['ack', f.ack], ['receipt', f.receipt]]), ...f.extra])),
  },
  { weight: 1, arbitrary: fc.record({ id: ids, receipt }).map((f) => encodeFrame('UNSUBSCRIBE', defined([['id', f.id], ['receipt', f.receipt]]))) },
  {
    weight: 1,
    arbitrary: fc
      .record({ command: fc.constantFrom('ACK', 'NACK'), id: small, transaction: inTransaction, receipt })
      .map((f) => encodeFrame(f.command, defined([['id', f.id], ['message-id', f.id], ['transaction', f.transaction], ['receipt', f.receipt]]))),
  },
  {
    weight: 1,
    arbitrary: fc
      .record({ command: fc.constantFrom('BEGIN', 'COMMIT', 'ABORT'), transaction: fc.constantFrom('tx1', 'tx2', 'tx3'), receipt })
      .map((f) => encodeFrame(f.command, defined([['transaction', f.transaction], ['receipt', f.receipt]]))),
  },
  { weight: 1, arbitrary: fc.constantFrom(Buffer.from('\n'), Buffer.from('\r\n'), Buffer.from('\n\n\n')) },
);

const disconnect = fc.option(receipt.map((r) => encodeFrame('DISCONNECT', defined([['receipt', r]]))), { nil: undefined });

const begin = encodeFrame('BEGIN', [['transaction', 'tx1']]);

/** A whole session: CONNECT, BEGIN tx1, some frames, maybe DISCONNECT. */
export const validSession: fc.Arbitrary<Buffer> = fc
  .tuple(connectFrame, fc.array(sessionFrame, { maxLength: 8 }), disconnect)
  .map(([connect, frames, bye]) => Buffer.concat([connect, begin, ...frames, ...(bye ? [bye] : [])]));

const COMMANDS = ['CONNECT', 'STOMP', 'SEND', 'SUBSCRIBE', 'UNSUBSCRIBE', 'ACK', 'NACK', 'BEGIN', 'COMMIT', 'ABORT', 'DISCONNECT'];

/** Frames of any command, any headers, any body, any (or no) terminator. */
const randomFrame: fc.Arbitrary<Buffer> = fc
  .record({
    command: fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...COMMANDS) },
      { weight: 1, arbitrary: fc.constantFrom('connect', 'MESSAGE', 'ERROR', 'RECEIPT', 'CONNECTED', ' SEND', 'SEND ', '') },
      { weight: 1, arbitrary: fc.string({ maxLength: 20, unit: 'binary' }) },
    ),
    headers: fc.array(fc.tuple(headerText, headerText), { maxLength: 20 }),
    raw: fc.boolean(),
    body,
    end: fc.constantFrom('\0', '\0', '\0\n', '\0\r\n', '', '\n', '\0\0'),
  })
  .map((f) => encodeFrame(f.command, f.headers, f.body, { raw: f.raw, end: f.end }));

export const randomFrames: fc.Arbitrary<Buffer> = fc
  .tuple(fc.option(connectFrame, { nil: undefined }), fc.array(randomFrame, { minLength: 1, maxLength: 4 }))
  .map(([connect, frames]) => Buffer.concat([...(connect ? [connect] : []), ...frames]));

export const randomBytes: fc.Arbitrary<Buffer> = fc.uint8Array({ minLength: 1, maxLength: 2000 }).map((a) => Buffer.from(a));

type Mutation =
  | { readonly kind: 'flip'; readonly at: number; readonly bit: number }
  | { readonly kind: 'set'; readonly at: number; readonly byte: number }
  | { readonly kind: 'truncate'; readonly at: number }
  | { readonly kind: 'insert'; readonly at: number; readonly bytes: Uint8Array }
  | { readonly kind: 'delete'; readonly at: number; readonly length: number }
  | { readonly kind: 'duplicate'; readonly at: number; readonly length: number };

const position = fc.nat();
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: position, bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('set' as const), at: position, byte: fc.constantFrom(0x00, 0x0a, 0x0d, 0x3a, 0x5c, 0xff, 0x80, 0x41) }),
  fc.record({ kind: fc.constant('truncate' as const), at: position }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: position,
    bytes: fc.oneof(fc.uint8Array({ minLength: 1, maxLength: 16 }), fc.constantFrom(...['\0', '\n', ':', '\\', 'content-length:99\n', '\n\n'].map((s) => new Uint8Array(Buffer.from(s))))),
  }),
  fc.record({ kind: fc.constant('delete' as const), at: position, length: fc.integer({ min: 1, max: 32 }) }),
  fc.record({ kind: fc.constant('duplicate' as const), at: position, length: fc.integer({ min: 1, max: 64 }) }),
);

export function mutate(input: Buffer, mutations: readonly Mutation[]): Buffer {
  let bytes = Buffer.from(input);
  for (const m of mutations) {
    if (bytes.length === 0) break;
    const at = m.at % bytes.length;
    switch (m.kind) {
      case 'flip':
        bytes[at] = bytes[at]! ^ (1 << m.bit);
        break;
      case 'set':
        bytes[at] = m.byte;
        break;
      case 'truncate':
        bytes = bytes.subarray(0, at);
        break;
      case 'insert':
        bytes = Buffer.concat([bytes.subarray(0, at), m.bytes, bytes.subarray(at)]);
        break;
      case 'delete':
        bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + m.length)]);
        break;
      case 'duplicate':
        bytes = Buffer.concat([bytes.subarray(0, at + m.length), bytes.subarray(at, at + m.length), bytes.subarray(at + m.length)]);
        break;
    }
  }
  return bytes;
}

export const mutatedSession: fc.Arbitrary<Buffer> = fc
  .tuple(validSession, fc.array(mutation, { minLength: 1, maxLength: 4 }))
  .map(([session, mutations]) => mutate(session, mutations));

/** Mostly what a client would do (text unless the bytes are not UTF-8), sometimes text or binary whatever the bytes. */
const chunkMode = fc.oneof(
  { weight: 4, arbitrary: fc.constant('auto' as const) },
  { weight: 1, arbitrary: fc.constantFrom('text' as const, 'binary' as const) },
);

/** Cuts `bytes` into WebSocket messages at random places, each text or binary. */
function split(bytes: fc.Arbitrary<Buffer>): fc.Arbitrary<FuzzChunk[]> {
  return fc
    .tuple(bytes, fc.array(fc.nat(), { maxLength: 6 }), fc.array(chunkMode, { minLength: 7, maxLength: 7 }))
    .map(([data, cuts, modes]) => {
      const points = [...new Set(cuts.map((c) => (data.length === 0 ? 0 : c % data.length)))].filter((p) => p > 0).sort((a, b) => a - b);
      const bounds = [0, ...points, data.length];
      const chunks: FuzzChunk[] = [];
      for (let i = 0; i + 1 < bounds.length; i++) {
        const chunk = data.subarray(bounds[i], bounds[i + 1]);
        chunks.push({ data: chunk, binary: modes[i] === 'auto' ? !isUtf8(chunk) : modes[i] === 'binary' });
      }
      return chunks.filter((c) => c.data.length > 0);
    });
}

export const fuzzCase: fc.Arbitrary<FuzzCase> = fc.oneof(
  { weight: 2, arbitrary: split(validSession).map((chunks) => ({ kind: 'valid' as const, chunks })) },
  { weight: 4, arbitrary: split(mutatedSession).map((chunks) => ({ kind: 'mutated' as const, chunks })) },
  { weight: 2, arbitrary: split(randomFrames).map((chunks) => ({ kind: 'random-frames' as const, chunks })) },
  { weight: 1, arbitrary: split(randomBytes).map((chunks) => ({ kind: 'random-bytes' as const, chunks })) },
);
