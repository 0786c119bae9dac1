import { jest } from '@jest/globals';
import { HeartBeatTimers } from './heart-beat-timers.js';

describe('HeartBeatTimers', () => {
  let log: string[];
  let timers: HeartBeatTimers;

  beforeEach(() => {
    jest.useFakeTimers();
    log = [];
    timers = new HeartBeatTimers(
      () => log.push(`beat at ${Date.now() % 100_000}`),
      (timeout) => log.push(`silent for ${timeout} at ${Date.now() % 100_000}`),
    );
    jest.setSystemTime(0);
  });

  afterEach(() => {
    timers.stop();
    expect(jest.getTimerCount()).toBe(0);
    jest.useRealTimers();
  });

  it('does nothing before start', () => {
    timers.sent();
    timers.received();
    jest.advanceTimersByTime(60_000);
    expect(log).toEqual([]);
  });

  it('beats every send interval while nothing else is written', () => {
    timers.start({ sendInterval: 1000, receiveTimeout: 0 });
    jest.advanceTimersByTime(3500);
    expect(log).toEqual(['beat at 1000', 'beat at 2000', 'beat at 3000']);
  });

  it('beats a whole interval after the last write', () => {
    timers.start({ sendInterval: 1000, receiveTimeout: 0 });
    jest.advanceTimersByTime(900);
    timers.sent();
    jest.advanceTimersByTime(900);
    expect(log).toEqual([]);
    jest.advanceTimersByTime(100);
    expect(log).toEqual(['beat at 1900']);
  });

  it('reports silence once the receive timeout passes with nothing received', () => {
    timers.start({ sendInterval: 0, receiveTimeout: 3000 });
    jest.advanceTimersByTime(2000);
    timers.received();
    jest.advanceTimersByTime(2999);
    expect(log).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(log).toEqual(['silent for 3000 at 5000']);
  });

  it('leaves a direction with interval 0 off', () => {
    timers.start({ sendInterval: 0, receiveTimeout: 0 });
    expect(jest.getTimerCount()).toBe(0);
  });

  it('stops both timers', () => {
    timers.start({ sendInterval: 1000, receiveTimeout: 3000 });
    expect(jest.getTimerCount()).toBe(2);
    timers.stop();
    timers.sent();
    timers.received();
    jest.advanceTimersByTime(10_000);
    expect(log).toEqual([]);
  });

  it('never keeps the process alive', () => {
    jest.useRealTimers();
    const real = new HeartBeatTimers(() => undefined, () => undefined);
    const spy = jest.spyOn(globalThis, 'setTimeout');
    real.start({ sendInterval: 1000, receiveTimeout: 3000 });
    const handles = spy.mock.results.map((r) => r.value as NodeJS.Timeout);
    expect(handles).toHaveLength(2);
    expect(handles.every((handle) => !handle.hasRef())).toBe(true);
    real.stop();
    spy.mockRestore();
    jest.useFakeTimers();
  });
});
