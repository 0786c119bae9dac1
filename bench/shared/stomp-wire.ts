/**
 * Just enough STOMP framing for the generator and the minimal baseline server. Both peers in this
 * harness write one whole frame (or several) per WebSocket message and never put NUL in a body, so
 * a frame ends at the next NUL and no frame spans two messages.
 */

export interface WireFrame {
  readonly command: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

const NUL = 0;
const LF = 0x0a;
const CR = 0x0d;

/** Encodes a frame with plain header values (the bench's destinations and ids need no escaping). */
export function encodeFrame(command: string, headers: Readonly<Record<string, string | number>>, body = ''): string {
  let text = `${command}\n`;
  for (const name in headers) text += `${name}:${headers[name]}\n`;
  if (body.length > 0) text += `content-length:${Buffer.byteLength(body)}\n`;
  return `${text}\n${body}\0`;
}

/** Calls `onFrame` with each NUL-terminated frame of a WebSocket message, skipping heart-beat EOLs. */
export function forEachFrame(data: Buffer, onFrame: (frame: Buffer) => void): void {
  let start = 0;
  while (start < data.length) {
    const byte = data[start];
    if (byte === LF || byte === CR) {
      start++;
      continue;
    }
    const end = data.indexOf(NUL, start);
    if (end === -1) throw new Error('STOMP frame without a terminating NUL (split frames are not supported by the bench)');
    onFrame(data.subarray(start, end));
    start = end + 1;
  }
}

/** Parses command, headers (the first of a repeated header wins) and body of one frame. */
export function parseFrame(frame: Buffer): WireFrame {
  const headerEnd = frame.indexOf('\n\n');
  const head = frame.toString('utf8', 0, headerEnd === -1 ? frame.length : headerEnd);
  const lines = head.split('\n');
  const headers: Record<string, string> = {};
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!.endsWith('\r') ? lines[i]!.slice(0, -1) : lines[i]!;
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon);
    if (!(name in headers)) headers[name] = line.slice(colon + 1);
  }
  const command = lines[0]!.endsWith('\r') ? lines[0]!.slice(0, -1) : lines[0]!;
  return { command, headers, body: headerEnd === -1 ? Buffer.alloc(0) : frame.subarray(headerEnd + 2) };
}

/** True for a MESSAGE frame, told by its first two bytes without decoding anything. */
export function isMessageFrame(frame: Buffer): boolean {
  return frame[0] === 0x4d /* M */ && frame[1] === 0x45 /* E */;
}
