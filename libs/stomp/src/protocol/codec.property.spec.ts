import fc from 'fast-check';
import { StompEncodingError } from '../errors/stomp-encoding.error.js';
import { StompProtocolError } from '../errors/stomp-protocol.error.js';
import { FrameDecoder, type FrameDecoderLimits } from './frame-decoder.js';
import { encodeFrame } from './frame-encoder.js';
import { MessageFrameTemplate } from './message-frame-template.js';
import type { StompVersion } from './stomp-version.js';

const LIMITS: FrameDecoderLimits = { maxFrameSize: 65536, maxHeaders: 64, maxHeaderLineLength: 8192 };

/** Bodies as hex, so that comparing long event lists stays cheap. */
type Event =
  | { readonly type: 'frame'; readonly command: string; readonly headers: Record<string, string>; readonly body: string }
  | { readonly type: 'heartbeat' }
  | { readonly type: 'error'; readonly error: StompProtocolError };

/** Longest a single `push` may take before we call it a hang (generous: CI machines stall). */
const PUSH_BUDGET_MS = 1000;

/** Decodes `chunks`, checking on the way the guarantees that hold for any input whatsoever. */
function decodeChunks(chunks: readonly Buffer[], version: StompVersion, limits: FrameDecoderLimits = LIMITS): Event[] {
  // Plain checks rather than expect(): this runs for every chunk of thousands of generated inputs.
  const events: Event[] = [];
  let failed = false;
  const afterError = () => new Error(`decoder reported something after its error: ${JSON.stringify(events)}`);
  const decoder = new FrameDecoder(
    {
      onFrame: (frame) => {
        if (failed) throw afterError();
        events.push({ type: 'frame', command: frame.command, headers: { ...frame.headers }, body: frame.body.toString('hex') });
      },
      onHeartbeat: () => {
        if (failed) throw afterError();
        events.push({ type: 'heartbeat' });
      },
      onError: (error) => {
        if (failed) throw afterError(); // at most one error
        failed = true;
        events.push({ type: 'error', error });
      },
    },
    limits,
  );
  decoder.version = version;
  for (const chunk of chunks) {
    const start = performance.now();
    decoder.push(chunk); // must never throw
    const elapsed = performance.now() - start;
    if (elapsed > PUSH_BUDGET_MS) throw new Error(`push of ${chunk.length} bytes took ${elapsed} ms`);
    // memory stays bounded: an incomplete frame never holds more than maxFrameSize bytes
    const limit = failed ? 0 : limits.maxFrameSize;
    if (decoder.bufferedBytes > limit) throw new Error(`${decoder.bufferedBytes} bytes buffered, more than ${limit}`);
  }
  return events;
}

/** Splits `data` at the given offsets (any naturals; reduced modulo the length and sorted). */
function split(data: Buffer, cuts: readonly number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const p of points) {
    chunks.push(data.subarray(from, p));
    from = p;
  }
  chunks.push(data.subarray(from));
  return chunks;
}

const cutsArb = fc.array(fc.nat(), { maxLength: 8 });
const versionArb = fc.constantFrom<StompVersion>('1.0', '1.1', '1.2');
const commandArb = fc.constantFrom('SEND', 'MESSAGE', 'ERROR');
/** Heart-beat EOLs after a frame, and how many heart-beats they are. */
const eolArb = fc.constantFrom<[string, number]>(['', 0], ['\n', 1], ['\r\n', 1], ['\n\r\n\n', 3]);
const bodyArb = fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b.buffer, b.byteOffset, b.length));

/** Unicode text, half of it built from the characters escaping is about. */
const textArb = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.string({
    unit: fc.oneof(fc.constantFrom('\\', ':', '\n', '\r', 'c', 'n', 'r', 't', ' ', 'é', '😀', '\0'), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })),
    maxLength: 12,
  }),
);

/** What the STOMP spec lets a header carry, decided independently of the code under test. */
function canCarry(text: string, version: StompVersion, isName: boolean, escaped: boolean): boolean {
  if (text.includes('\0')) return false; // NUL ends a frame; no version escapes it
  if (isName && text === '') return false;
  if (!escaped || version === '1.0') return !/[\r\n]/.test(text) && !(isName && text.includes(':'));
  return version === '1.2' || !text.includes('\r'); // 1.1 has no \r escape
}

function headersArb(version: StompVersion): fc.Arbitrary<Array<[string, string]>> {
  const name = textArb.filter((t) => t !== 'content-length' && canCarry(t, version, true, true));
  const value = textArb.filter((t) => canCarry(t, version, false, true));
  return fc.uniqueArray(fc.tuple(name, value), { selector: ([n]) => n, maxLength: 6 });
}

interface GeneratedFrame {
  readonly command: string;
  readonly headers: Array<[string, string]>;
  readonly body: Buffer;
  readonly eol: [string, number];
}

function framesArb(version: StompVersion): fc.Arbitrary<GeneratedFrame[]> {
  return fc.array(fc.record({ command: commandArb, headers: headersArb(version), body: bodyArb, eol: eolArb }), { minLength: 1, maxLength: 4 });
}

/** The frames encoded back to back, each followed by its heart-beat EOLs, and the events they must decode to. */
function encodeAll(frames: readonly GeneratedFrame[], version: StompVersion): { data: Buffer; expected: Event[] } {
  const parts: Buffer[] = [];
  const expected: Event[] = [];
  for (const f of frames) {
    parts.push(encodeFrame({ command: f.command, headers: Object.fromEntries(f.headers), body: f.body }, version), Buffer.from(f.eol[0]));
    const headers = Object.fromEntries(f.headers);
    if (f.body.length > 0) headers['content-length'] = String(f.body.length);
    expected.push({ type: 'frame', command: f.command, headers, body: f.body.toString('hex') });
    for (let i = 0; i < f.eol[1]; i++) expected.push({ type: 'heartbeat' });
  }
  return { data: Buffer.concat(parts), expected };
}

/** Events with errors reduced to their presence: which error is found first may depend on the chunking. */
function shape(events: readonly Event[]): unknown[] {
  return events.map((e) => (e.type === 'error' ? { type: 'error' } : e));
}

describe('codec properties', () => {
  it('encode → decode is the identity in STOMP 1.1 and 1.2, however the byte stream is split', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<StompVersion>('1.1', '1.2').chain((version) => fc.tuple(fc.constant(version), framesArb(version), cutsArb)),
        ([version, frames, cuts]) => {
          const { data, expected } = encodeAll(frames, version);
          expect(decodeChunks([data], version)).toEqual(expected);
          expect(decodeChunks(split(data, cuts), version)).toEqual(expected);
        },
      ),
      { numRuns: 700 },
    );
  });

  it('encode → decode is the identity in STOMP 1.0 for headers without line breaks (nor colons in names)', () => {
    fc.assert(
      fc.property(framesArb('1.0'), cutsArb, (frames, cuts) => {
        const { data, expected } = encodeAll(frames, '1.0');
        expect(decodeChunks(split(data, cuts), '1.0')).toEqual(expected);
      }),
      { numRuns: 400 },
    );
  });

  it('encodeFrame either refuses a header with StompEncodingError or writes it so that it decodes back', () => {
    fc.assert(
      fc.property(
        versionArb,
        fc.constantFrom('SEND', 'MESSAGE', 'CONNECT', 'CONNECTED', 'SUBSCRIBE'),
        fc.uniqueArray(fc.tuple(textArb, textArb), { selector: ([n]) => n, maxLength: 4 }),
        (version, command, entries) => {
          const escaped = command !== 'CONNECT' && command !== 'CONNECTED';
          const headers = entries.filter(([n]) => n !== 'content-length');
          const carried = headers.every(([n, v]) => canCarry(n, version, true, escaped) && canCarry(v, version, false, escaped));
          let out: Buffer;
          try {
            out = encodeFrame({ command, headers: Object.fromEntries(headers) }, version);
          } catch (error) {
            expect(error).toBeInstanceOf(StompEncodingError);
            expect(carried).toBe(false);
            return;
          }
          expect(carried).toBe(true);
          expect(decodeChunks([out], version)).toEqual([{ type: 'frame', command, headers: Object.fromEntries(headers), body: '' }]);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('MessageFrameTemplate frames decode to the subscription, headers and body in STOMP 1.1 and 1.2', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<StompVersion>('1.1', '1.2').chain((version) =>
          fc.tuple(
            fc.constant(version),
            headersArb(version).map((h) => h.filter(([n]) => n !== 'subscription' && n !== 'message-id')),
            textArb.filter((t) => canCarry(t, version, false, true)),
            bodyArb,
          ),
        ),
        ([version, headers, subscription, body]) => {
          const template = new MessageFrameTemplate(Object.fromEntries(headers), body, true);
          const events = decodeChunks([template.frameFor(version, subscription, 'm-1')], version);
          expect(events).toEqual([
            {
              type: 'frame',
              command: 'MESSAGE',
              headers: { subscription, 'message-id': 'm-1', ...Object.fromEntries(headers), 'content-length': String(body.length) },
              body: body.toString('hex'),
            },
          ]);
        },
      ),
      { numRuns: 300 },
    );
  });

  describe('arbitrary input', () => {
    const limitsArb = fc.oneof(
      fc.constant(LIMITS),
      fc.record({
        maxFrameSize: fc.integer({ min: 1, max: 300 }),
        maxHeaders: fc.integer({ min: 0, max: 5 }),
        maxHeaderLineLength: fc.integer({ min: 1, max: 80 }),
      }),
    );

    /** Never throws, stays bounded, reports at most one error, and the split does not change what is decoded. */
    function checkArbitrary(data: Buffer, cuts: readonly number[], version: StompVersion, limits: FrameDecoderLimits): void {
      const whole = decodeChunks([data], version, limits);
      const pieces = decodeChunks(split(data, cuts), version, limits);
      for (const events of [whole, pieces]) {
        const errorAt = events.findIndex((e) => e.type === 'error');
        if (errorAt !== -1) {
          expect(errorAt).toBe(events.length - 1);
          const { error } = events[errorAt] as Extract<Event, { type: 'error' }>;
          expect(error).toBeInstanceOf(StompProtocolError);
          expect(error.code).toMatch(/^STOMP_ERR_[A-Z_]+$/);
          expect(error.message.length).toBeGreaterThan(10);
        }
        for (const e of events) {
          if (e.type !== 'frame') continue;
          expect(e.command.length).toBeGreaterThan(0);
          expect(e.body.length / 2).toBeLessThan(limits.maxFrameSize);
          expect(Object.keys(e.headers).length).toBeLessThanOrEqual(limits.maxHeaders);
        }
      }
      expect(shape(pieces)).toEqual(shape(whole));
    }

    it('random bytes', () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 600 }), cutsArb, versionArb, limitsArb, (bytes, cuts, version, limits) => {
          checkArbitrary(Buffer.from(bytes), cuts, version, limits);
        }),
        { numRuns: 800 },
      );
    });

    it('random frame-like text', () => {
      const piece = fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom('a', 'b', '/', 'é', '😀', '-') },
        { weight: 1, arbitrary: fc.constantFrom(':', '\\', '\\c', '\\n', '\\r', '\\t', '\r', '\n', '\0') },
        { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 3 }) },
      );
      const text = fc.array(piece, { maxLength: 6 }).map((p) => p.join(''));
      const eol = fc.oneof({ weight: 4, arbitrary: fc.constant('\n') }, { weight: 1, arbitrary: fc.constantFrom('\r\n', '\r', '') });
      const headerLine = fc.oneof(
        { weight: 3, arbitrary: fc.tuple(text, text).map(([n, v]) => `${n}:${v}`) },
        { weight: 1, arbitrary: fc.constantFrom('content-length:0', 'content-length:3', 'content-length:x', 'content-length:99999') },
        { weight: 1, arbitrary: text },
      );
      const frameLike = fc
        .tuple(
          fc.constantFrom('', '', '\n', '\r\n', '\r'),
          fc.constantFrom('SEND', 'MESSAGE', 'CONNECT', 'CONNECTED', 'ERROR', ''),
          eol,
          fc.array(fc.tuple(headerLine, eol), { maxLength: 5 }),
          eol,
          text,
          fc.constantFrom('\0', '\0', '', '\0\0'),
        )
        .map(([beat, command, eol1, headers, blank, body, end]) => beat + command + eol1 + headers.map(([h, e]) => h + e).join('') + blank + body + end);
      fc.assert(
        fc.property(fc.array(frameLike, { minLength: 1, maxLength: 5 }), cutsArb, versionArb, limitsArb, (frames, cuts, version, limits) => {
          checkArbitrary(Buffer.from(frames.join(''), 'utf8'), cuts, version, limits);
        }),
        { numRuns: 600 },
      );
    });

    it('mutated valid frames', () => {
      const mutationArb = fc.record({
        kind: fc.constantFrom('replace', 'insert', 'delete', 'truncate'),
        at: fc.nat(),
        byte: fc.oneof(fc.constantFrom(0x00, 0x0a, 0x0d, 0x3a, 0x5c, 0x63, 0x74, 0x30, 0x39), fc.integer({ min: 0, max: 255 })),
      });
      fc.assert(
        fc.property(framesArb('1.2'), fc.array(mutationArb, { minLength: 1, maxLength: 4 }), cutsArb, versionArb, limitsArb, (frames, mutations, cuts, version, limits) => {
          let bytes = [...encodeAll(frames, '1.2').data];
          for (const m of mutations) {
            const at = m.at % (bytes.length + 1);
            if (m.kind === 'replace' && at < bytes.length) bytes[at] = m.byte;
            else if (m.kind === 'insert') bytes.splice(at, 0, m.byte);
            else if (m.kind === 'delete') bytes.splice(at, 1);
            else if (m.kind === 'truncate') bytes = bytes.slice(0, at);
          }
          checkArbitrary(Buffer.from(bytes), cuts, version, limits);
        }),
        { numRuns: 500 },
      );
    });
  });
});
