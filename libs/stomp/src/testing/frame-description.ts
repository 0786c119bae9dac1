import type { StompFrame } from '../protocol/stomp-frame.js';
import { truncate } from '../util/truncate.js';

/** How much of a body a failure message quotes. */
const BODY_EXCERPT = 200;

/** A body as a failure message quotes it: text cut short, or a byte count when it is not text. */
export function bodyExcerpt(body: Buffer): string {
  if (body.length === 0) return '(empty)';
  const text = body.toString('utf8');
  if (text.includes('\uFFFD')) return `(${body.length} bytes, not UTF-8 text)`;
  return JSON.stringify(truncate(text, BODY_EXCERPT));
}

/** One received frame on one line: destination, headers, body excerpt. */
export function describeFrame(frame: StompFrame): string {
  const { destination, ...others } = frame.headers;
  const headers = Object.entries(others)
    .map(([name, value]) => `${name}:${value}`)
    .join(', ');
  return `${frame.command}${destination === undefined ? '' : ` ${destination}`} {${headers}} body ${bodyExcerpt(frame.body)}`;
}

/** What a failure message says arrived: a numbered list, or that nothing did. */
export function describeArrivals(frames: readonly StompFrame[]): string {
  if (frames.length === 0) return 'nothing arrived';
  const lines = frames.map((frame, index) => `  ${index + 1}. ${describeFrame(frame)}`);
  return `${frames.length === 1 ? '1 message' : `${frames.length} messages`} arrived instead:\n${lines.join('\n')}`;
}
