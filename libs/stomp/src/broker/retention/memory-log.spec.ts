import { MemoryLog, messageBytes } from './memory-log.js';

const ROOMY = { maxMessages: 1000, maxAge: 60_000, maxBytes: 1024 * 1024 };
const HEADER = 'x-stream-offset';

function fill(log: MemoryLog, count: number, now = 1000, body = 'm'): void {
  for (let i = 0; i < count; i++) log.append({ 'content-type': 'text/plain' }, Buffer.from(`${body}${i}`), HEADER, now);
}

function offsets(log: MemoryLog, start: Parameters<MemoryLog['readFrom']>[0], now = 1000): number[] {
  const entries = log.readFrom(start, now);
  for (const entry of entries) expect(typeof entry.offset).toBe('number');
  return entries.map((entry) => entry.offset);
}

describe('messageBytes', () => {
  it('counts the body and the UTF-8 bytes of every header name and value', () => {
    expect(messageBytes({ ab: 'cde' }, Buffer.from('xy'))).toBe(7);
    expect(messageBytes({ 'é': 'ü€' }, Buffer.alloc(0))).toBe(7);
    expect(messageBytes({}, Buffer.alloc(5))).toBe(5);
  });
});

describe('MemoryLog', () => {
  it('numbers messages from its first offset, one by one, and writes the offset into their headers', () => {
    const log = new MemoryLog(ROOMY, 500);
    const first = log.append({ 'content-type': 'text/plain', [HEADER]: 'forged' }, Buffer.from('a'), HEADER, 1000);
    const second = log.append({}, Buffer.from('b'), HEADER, 1000);
    expect([first.offset, second.offset, log.nextOffset]).toEqual([500, 501, 502]);
    expect(first.headers).toEqual({ 'content-type': 'text/plain', [HEADER]: '500' });
    expect(first.bytes).toBe(messageBytes(first.headers, first.body));
    expect(log.size).toBe(2);
    expect(log.bytes).toBe(first.bytes + second.bytes);
  });

  it('reads nothing for next, everything for first, the newest for last', () => {
    const log = new MemoryLog(ROOMY, 0);
    fill(log, 5);
    expect(offsets(log, { kind: 'next' })).toEqual([]);
    expect(offsets(log, { kind: 'first' })).toEqual([0, 1, 2, 3, 4]);
    expect(offsets(log, { kind: 'last' })).toEqual([4]);
    expect(offsets(new MemoryLog(ROOMY, 0), { kind: 'last' })).toEqual([]);
    expect(new MemoryLog(ROOMY, 0).evictOldest()).toBe(0);
  });

  it('reads from an offset on: all kept when it was evicted, none when it is still to come', () => {
    const log = new MemoryLog({ ...ROOMY, maxMessages: 10 }, 100);
    fill(log, 25);
    expect(offsets(log, { kind: 'offset', offset: 120 })).toEqual([120, 121, 122, 123, 124]);
    expect(offsets(log, { kind: 'offset', offset: 124 })).toEqual([124]);
    expect(offsets(log, { kind: 'offset', offset: 0 })).toEqual([115, 116, 117, 118, 119, 120, 121, 122, 123, 124]);
    expect(offsets(log, { kind: 'offset', offset: 125 })).toEqual([]);
  });

  it('reads what was stored at or after a time, timestamps never going back', () => {
    const log = new MemoryLog(ROOMY, 0);
    log.append({}, Buffer.from('a'), HEADER, 1000);
    log.append({}, Buffer.from('b'), HEADER, 2000);
    // A clock set back: stored at the previous time, so the log stays sorted by time.
    const late = log.append({}, Buffer.from('c'), HEADER, 1500);
    log.append({}, Buffer.from('d'), HEADER, 3000);
    expect(late.timestamp).toBe(2000);
    expect(offsets(log, { kind: 'timestamp', timestamp: 0 }, 3000)).toEqual([0, 1, 2, 3]);
    expect(offsets(log, { kind: 'timestamp', timestamp: 1001 }, 3000)).toEqual([1, 2, 3]);
    expect(offsets(log, { kind: 'timestamp', timestamp: 2000 }, 3000)).toEqual([1, 2, 3]);
    expect(offsets(log, { kind: 'timestamp', timestamp: 2001 }, 3000)).toEqual([3]);
    expect(offsets(log, { kind: 'timestamp', timestamp: 3001 }, 3000)).toEqual([]);
  });

  it('keeps at most maxMessages, the oldest going first', () => {
    const log = new MemoryLog({ ...ROOMY, maxMessages: 3 }, 0);
    fill(log, 7);
    expect(log.size).toBe(3);
    expect(log.readFrom({ kind: 'first' }, 1000).map((entry) => entry.body.toString())).toEqual(['m4', 'm5', 'm6']);
  });

  it('keeps at most maxBytes, the oldest going first; a message over it alone is not kept', () => {
    const one = messageBytes({ 'content-type': 'text/plain', [HEADER]: '10' }, Buffer.from('m0'));
    const log = new MemoryLog({ ...ROOMY, maxBytes: one * 3 }, 10);
    fill(log, 5);
    expect(log.bytes).toBeLessThanOrEqual(one * 3);
    expect(offsets(log, { kind: 'first' })).toEqual([12, 13, 14]);

    log.append({}, Buffer.alloc(one * 3 + 1), HEADER, 1000);
    expect(log.size).toBe(0);
    expect(log.bytes).toBe(0);
    expect(log.nextOffset).toBe(16);
  });

  it('drops messages older than maxAge when written or read', () => {
    const log = new MemoryLog({ ...ROOMY, maxAge: 100 }, 0);
    log.append({}, Buffer.from('a'), HEADER, 1000);
    log.append({}, Buffer.from('b'), HEADER, 1050);
    expect(offsets(log, { kind: 'first' }, 1100)).toEqual([0, 1]);
    expect(offsets(log, { kind: 'first' }, 1101)).toEqual([1]);
    log.append({}, Buffer.from('c'), HEADER, 1200);
    expect(offsets(log, { kind: 'first' }, 1200)).toEqual([2]);
    log.dropExpired(1301);
    expect(log.size).toBe(0);
    expect(log.bytes).toBe(0);
  });

  it('stays consistent over many evictions (its queue compacts) and holds only its own bytes', () => {
    const log = new MemoryLog({ ...ROOMY, maxMessages: 100 }, 0);
    fill(log, 10_000);
    expect(log.size).toBe(100);
    expect(offsets(log, { kind: 'offset', offset: 9950 })).toHaveLength(50);
    expect(log.oldest?.offset).toBe(9900);
    expect(log.bytes).toBe(log.readFrom({ kind: 'first' }, 1000).reduce((sum, entry) => sum + entry.bytes, 0));

    // A body that is a view into a larger buffer (a frame decoded from a bigger chunk) is copied.
    const chunk = Buffer.alloc(64 * 1024, 'x');
    const entry = log.append({}, chunk.subarray(10, 20), HEADER, 1000);
    expect(entry.body.buffer.byteLength).toBe(10);
    expect(entry.body.toString()).toBe('xxxxxxxxxx');
    // One that owns its whole buffer is kept as it is, not copied again.
    const own = Buffer.allocUnsafeSlow(10).fill('y');
    expect(log.append({}, own, HEADER, 1000).body).toBe(own);
  });
});
