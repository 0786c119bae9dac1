import { FrameDecoder } from './frame-decoder.js';
import type { StompFrame } from './stomp-frame.js';
import type { StompVersion } from './stomp-version.js';

const UNLIMITED = { maxFrameSize: Number.MAX_SAFE_INTEGER, maxHeaders: Number.MAX_SAFE_INTEGER, maxHeaderLineLength: Number.MAX_SAFE_INTEGER };

/** Decodes bytes the server itself encoded (one whole frame), e.g. to show them to an outbound hook. */
export function decodeFrame(bytes: Buffer, version: StompVersion): StompFrame {
  let frame: StompFrame | undefined;
  let failure: Error | undefined;
  const decoder = new FrameDecoder(
    { onFrame: (f) => (frame ??= f), onHeartbeat: () => undefined, onError: (e) => (failure = e) },
    UNLIMITED,
  );
  decoder.version = version;
  decoder.push(bytes);
  if (!frame) throw failure ?? new Error('Not a complete STOMP frame');
  return frame;
}
