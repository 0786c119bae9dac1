// Shared by the frame-decoder.*.spec.ts files: a decoder that records what it reports, and
// builders for the expected events.
import { StompProtocolError, type StompProtocolErrorCode } from '../errors/stomp-protocol.error.js';
import { FrameDecoder, type FrameDecoderLimits } from './frame-decoder.js';
import type { StompFrame } from './stomp-frame.js';
import type { StompVersion } from './stomp-version.js';

export const LIMITS: FrameDecoderLimits = { maxFrameSize: 65536, maxHeaders: 64, maxHeaderLineLength: 8192 };

export type DecoderEvent =
  | { readonly type: 'frame'; readonly command: string; readonly headers: Record<string, string>; readonly body: Buffer }
  | { readonly type: 'heartbeat' }
  | { readonly type: 'error'; readonly error: StompProtocolError };

export interface DecoderOptions {
  readonly version?: StompVersion;
  readonly limits?: Partial<FrameDecoderLimits>;
  /** Runs inside `onFrame`, after the frame is recorded. */
  readonly onFrame?: (frame: StompFrame, decoder: FrameDecoder) => void;
}

export function decoderFor(options: DecoderOptions = {}): { decoder: FrameDecoder; events: DecoderEvent[] } {
  const events: DecoderEvent[] = [];
  const decoder: FrameDecoder = new FrameDecoder(
    {
      onFrame: (frame) => {
        events.push({ type: 'frame', command: frame.command, headers: { ...frame.headers }, body: frame.body });
        options.onFrame?.(frame, decoder);
      },
      onHeartbeat: () => events.push({ type: 'heartbeat' }),
      onError: (error) => events.push({ type: 'error', error }),
    },
    { ...LIMITS, ...options.limits },
  );
  if (options.version) decoder.version = options.version;
  return { decoder, events };
}

/** Pushes each chunk in turn and returns everything the decoder reported. */
export function decode(chunks: ReadonlyArray<Buffer | string>, options: DecoderOptions = {}): DecoderEvent[] {
  const { decoder, events } = decoderFor(options);
  for (const chunk of chunks) decoder.push(chunk);
  return events;
}

export function bytes(...parts: Array<string | Uint8Array | readonly number[]>): Buffer {
  return Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p as Uint8Array))));
}

export function chunksOf(data: Buffer, size: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let i = 0; i < data.length; i += size) chunks.push(data.subarray(i, i + size));
  return chunks;
}

export function frame(command: string, headers: Record<string, string>, body: string | Buffer = ''): DecoderEvent {
  return { type: 'frame', command, headers, body: Buffer.from(body) };
}

export const HEARTBEAT: DecoderEvent = { type: 'heartbeat' };

/** The single error the input causes; fails unless it is the last thing reported. */
export function decodeError(chunks: ReadonlyArray<Buffer | string>, options: DecoderOptions = {}): StompProtocolError {
  const events = decode(chunks, options);
  const errors = events.filter((e) => e.type === 'error');
  expect(errors).toHaveLength(1);
  expect(events[events.length - 1]!.type).toBe('error');
  const { error } = errors[0] as Extract<DecoderEvent, { type: 'error' }>;
  expect(error).toBeInstanceOf(StompProtocolError);
  expect(error.name).toBe('StompProtocolError');
  return error;
}

export function expectError(error: StompProtocolError, code: StompProtocolErrorCode, message: string | RegExp): void {
  expect(error.code).toBe(code);
  if (typeof message === 'string') expect(error.message).toBe(message);
  else expect(error.message).toMatch(message);
}

/** Cheap structural comparison for the loops; on a mismatch the test re-checks with toEqual for a readable diff. */
export function sameEvents(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
