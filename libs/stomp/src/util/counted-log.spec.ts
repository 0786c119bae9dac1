import { jest } from '@jest/globals';
import { CountedLog } from './counted-log.js';

describe('CountedLog', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('writes the first line at once, then one line of counts per interval while they keep coming', () => {
    const lines: string[] = [];
    const log = new CountedLog((line) => lines.push(line), 'connections refused', 1000);
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
    const log = new CountedLog((line) => lines.push(line), 'handshakes refused', 60_000);
    log.count('shutdown', () => 'first');
    log.count('shutdown', () => 'second');
    log.close();
    expect(lines).toEqual(['first (more handshakes refused are counted and reported every 60 s)', '1 more handshakes refused in the last 60 s: 1 × shutdown']);
    expect(jest.getTimerCount()).toBe(0);
  });
});
