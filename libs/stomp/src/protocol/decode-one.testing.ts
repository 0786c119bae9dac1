import { FrameDecoder, type FrameDecoderLimits } from './frame-decoder.js';
import type { StompFrame } from './stomp-frame.js';
import type { StompVersion } from './stomp-version.js';

const PEER_LIMITS: FrameDecoderLimits = { maxFrameSize: 65536, maxHeaders: 64, maxHeaderLineLength: 8192 };

/**
 * For specs: decodes `data` as a peer speaking `version` would, and fails unless it is exactly one
 * well-formed frame (no heart-beat, nothing left over, no protocol error).
 */
export function decodeOne(data: Buffer, version: StompVersion, limits: FrameDecoderLimits = PEER_LIMITS): StompFrame {
  const frames: StompFrame[] = [];
  const errors: Error[] = [];
  const decoder = new FrameDecoder(
    { onFrame: (frame) => frames.push(frame), onHeartbeat: () => errors.push(new Error('unexpected heart-beat')), onError: (e) => errors.push(e) },
    limits,
  );
  decoder.version = version;
  decoder.push(data);
  if (errors.length > 0) throw errors[0];
  expect(frames).toHaveLength(1);
  expect(decoder.bufferedBytes).toBe(0);
  return frames[0]!;
}
