import { jest } from '@jest/globals';
import { CountedLog } from './counted-log.js';

describe('CountedLog', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('writes the first line at once, then one line of counts per interval while they keep coming', () => {
    const lines: string[] = [];
    const log = new CountedLog((line) => lines.push(line), 'connections refused', { intervalMs: 1000 });
    log.count('maxConnectionsPerAddress', () => 'Connection from 203.0.113.1 refused: too many');
    for (let i = 0; i < 500; i++) log.count('maxConnectionsPerAddress', () => 'never built');
    log.count('maxConnections', () => 'never built');
    expect(lines).toEqual(['Connection from 203.0.113.1 refused: too many (more connections refused are counted and reported every 1 s)']);

    jest.advanceTimersByTime(1000);
    expect(lines[1]).toBe('501 more connections refused in the last 1 s: 500 × maxConnectionsPerAddress, 1 × maxConnections');
    log.count('maxConnections', () => 'never built');
    jest.advanceTimersByTime(1000);
    expect(lines[2]).toBe('1 more connections refused in the last 1 s: 1 × maxConnections');

    // A quiet interval ends the series: the next refusal is written in full again.
    jest.advanceTimersByTime(1000);
    expect(jest.getTimerCount()).toBe(0);
    log.count('maxConnections', () => 'Connection from 203.0.113.2 refused');
    expect(lines).toHaveLength(4);
    expect(lines[3]).toContain('Connection from 203.0.113.2 refused');
    log.close();
    expect(jest.getTimerCount()).toBe(0);
  });

  it('writes what is still counted when closed', () => {
    const lines: string[] = [];
    const log = new CountedLog((line) => lines.push(line), 'handshakes refused', { intervalMs: 60_000 });
    log.count('shutdown', () => 'first');
    log.count('shutdown', () => 'second');
    log.close();
    expect(lines).toEqual(['first (more handshakes refused are counted and reported every 60 s)', '1 more handshakes refused in the last 60 s: 1 × shutdown']);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('counts at most maxKeys keys apart, the rest together, each cut short: forged keys cannot grow it', () => {
    const lines: string[] = [];
    const log = new CountedLog((line) => lines.push(line), 'origins refused', { intervalMs: 1000, maxKeys: 3 });
    log.count('https://first.example', () => 'Origin https://first.example refused');
    for (let i = 0; i < 1000; i++) log.count(`https://e${i % 500}.example`);
    log.count(`https://${'x'.repeat(200)}.example`);
    jest.advanceTimersByTime(1000);
    expect(lines).toEqual([
      'Origin https://first.example refused (more origins refused are counted and reported every 1 s)',
      '1001 more origins refused in the last 1 s: 2 × https://e0.example, 2 × https://e1.example, 997 × other',
    ]);
    log.close();
  });

  it("with writeFirst 'each-key', writes each key's first line of an interval in full, maxKeys of them at most, and counts the rest", () => {
    const lines: string[] = [];
    const log = new CountedLog((line) => lines.push(line), 'origins refused', { intervalMs: 1000, writeFirst: 'each-key', maxKeys: 2 });
    for (let i = 0; i < 10; i++) log.count('https://a.example', () => 'refused a');
    log.count('https://b.example', () => 'refused b');
    log.count('https://c.example', () => 'refused c');
    expect(lines).toEqual(['refused a (more origins refused are counted and reported every 1 s)', 'refused b (more origins refused are counted and reported every 1 s)']);
    jest.advanceTimersByTime(1000);
    expect(lines[2]).toBe('10 more origins refused in the last 1 s: 9 × https://a.example, 1 × other');
    // A new interval: each key is written in full once again.
    log.count('https://a.example', () => 'refused a again');
    expect(lines[3]).toBe('refused a again (more origins refused are counted and reported every 1 s)');
    log.close();
    expect(jest.getTimerCount()).toBe(0);
  });

  it('sums up bursts: nothing written at first, one line for an interval with at least threshold events, none below it', () => {
    const lines: string[] = [];
    const log = new CountedLog((line) => lines.push(line), 'sessions accepted', {
      intervalMs: 10_000,
      writeFirst: false,
      threshold: 3,
      summary: (total, detail, seconds) => `Accepted ${total} sessions in the last ${seconds} s: ${detail}`,
    });
    log.count('websocket', () => 'never built');
    log.count('websocket');
    log.count('sockjs');
    expect(lines).toEqual([]);
    jest.advanceTimersByTime(10_000);
    expect(lines).toEqual(['Accepted 3 sessions in the last 10 s: 2 × websocket, 1 × sockjs']);

    // A quieter interval writes nothing, and ends the series.
    log.count('websocket');
    log.count('websocket');
    jest.advanceTimersByTime(10_000);
    expect(lines).toHaveLength(1);
    jest.advanceTimersByTime(10_000);
    expect(jest.getTimerCount()).toBe(0);
    log.close();
  });
});
