import { decodeFrame } from '../../libs/stomp/src/protocol/decode-frame.js';
import type { StompFrame } from '../../libs/stomp/src/protocol/stomp-frame.js';

/** One complete STOMP 1.2 frame (as text or bytes), decoded: headers unescaped. */
export function stompFrameOf(data: string | Buffer): StompFrame {
  return decodeFrame(typeof data === 'string' ? Buffer.from(data, 'utf8') : data, '1.2');
}

/** A STOMP frame as the server writes it (one per WebSocket message), headers parsed, the body only measured. */
export interface LightFrame {
  readonly command: string;
  readonly headers: Record<string, string>;
  readonly bodyLength: number;
  readonly firstBodyByte: number | undefined;
  readonly lastBodyByte: number | undefined;
}

/**
 * Reads one server frame without keeping its body: for floods of large messages, where keeping
 * every body (as RawStompClient does) would itself cost the memory under test.
 */
export function lightFrame(data: Buffer): LightFrame | undefined {
  let start = 0;
  while (start < data.length && (data[start] === 0x0a || data[start] === 0x0d)) start++;
  if (start === data.length) return undefined; // a heart-beat
  const headEnd = data.indexOf('\n\n', start);
  if (headEnd === -1) throw new Error(`Server frame without a blank line: ${data.subarray(0, 200).toString()}`);
  const lines = data.subarray(start, headEnd).toString('utf8').split('\n');
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon);
    if (!(name in headers)) headers[name] = line.slice(colon + 1);
  }
  const bodyStart = headEnd + 2;
  const nul = data.lastIndexOf(0);
  const bodyLength = nul - bodyStart;
  return {
    command: lines[0]!,
    headers,
    bodyLength,
    firstBodyByte: bodyLength > 0 ? data[bodyStart] : undefined,
    lastBodyByte: bodyLength > 0 ? data[nul - 1] : undefined,
  };
}
