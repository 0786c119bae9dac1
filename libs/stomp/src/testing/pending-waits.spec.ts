import { PendingWaits } from './pending-waits.js';

describe('PendingWaits', () => {
  const never = () => new Error('timed out');

  it('resolves at once with what is already there', async () => {
    await expect(new PendingWaits().until(() => 'here', 1000, never)).resolves.toBe('here');
  });

  it('resolves on the wake() after which the probe finds it, in the order the waits began', async () => {
    const waits = new PendingWaits();
    const queue: string[] = [];
    const take = () => queue.shift();
    const first = waits.until(take, 1000, never);
    const second = waits.until(take, 1000, never);
    waits.wake();
    queue.push('a', 'b');
    waits.wake();
    await expect(Promise.all([first, second])).resolves.toEqual(['a', 'b']);
  });

  it('rejects with its timeout error when nothing comes', async () => {
    await expect(new PendingWaits().until(() => undefined, 10, () => new Error('nothing came'))).rejects.toThrow('nothing came');
  });

  it('fail() rejects every pending wait and every later one, but what already arrived is still found', async () => {
    const waits = new PendingWaits();
    const pending = waits.until(() => undefined, 1000, never);
    const failure = new Error('connection lost');
    waits.fail(failure);
    waits.fail(new Error('a later failure does not replace the first'));
    await expect(pending).rejects.toBe(failure);
    await expect(waits.until(() => undefined, 1000, never)).rejects.toBe(failure);
    await expect(waits.until(() => 'arrived before', 1000, never)).resolves.toBe('arrived before');
    expect(waits.failed).toBe(failure);
  });
});
