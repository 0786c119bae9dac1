import { jest } from '@jest/globals';
import { UnconfirmedSends } from './unconfirmed-sends.js';

/** What each publish costs beyond its body (the class's SEND_OVERHEAD). */
const OVERHEAD = 256;

interface Deferred {
  readonly promise: Promise<void>;
  resolve(): void;
  reject(error: unknown): void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets every pending promise reaction run (one macrotask turn; no timer, no sleep). */
function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Whether `promise` has settled once the microtask queue has drained. */
async function hasSettled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  promise.then(
    () => (done = true),
    () => (done = true),
  );
  await flush();
  return done;
}

const ROOMY = { maxCount: 1_000_000, maxBytes: 1_000_000_000 };

describe('UnconfirmedSends', () => {
  describe('hasRoomFor', () => {
    it('allows publishes up to maxCount, then refuses', () => {
      const sends = new UnconfirmedSends({ maxCount: 2, maxBytes: ROOMY.maxBytes }, () => {});
      expect(sends.hasRoomFor(0)).toBe(true);
      sends.add(deferred().promise, 0);
      expect(sends.hasRoomFor(0)).toBe(true);
      sends.add(deferred().promise, 0);
      expect(sends.hasRoomFor(0)).toBe(false);
    });

    it('counts each body plus 256 bytes against maxBytes, the bound itself included', () => {
      const sends = new UnconfirmedSends({ maxCount: ROOMY.maxCount, maxBytes: 1000 }, () => {});
      expect(sends.hasRoomFor(1000 - OVERHEAD)).toBe(true);
      expect(sends.hasRoomFor(1000 - OVERHEAD + 1)).toBe(false);

      sends.add(deferred().promise, 244); // costs 500
      expect(sends.hasRoomFor(244)).toBe(true); // 500 + 500 = 1000
      expect(sends.hasRoomFor(245)).toBe(false);

      sends.add(deferred().promise, 244); // 1000 in all
      expect(sends.hasRoomFor(0)).toBe(false); // even an empty body costs 256
    });

    it('charges the overhead for an empty body', () => {
      const sends = new UnconfirmedSends({ maxCount: ROOMY.maxCount, maxBytes: 2 * OVERHEAD }, () => {});
      sends.add(deferred().promise, 0);
      expect(sends.hasRoomFor(0)).toBe(true);
      sends.add(deferred().promise, 0);
      expect(sends.hasRoomFor(0)).toBe(false);
    });

    it.each([
      ['resolves', (d: Deferred) => d.resolve()],
      ['rejects', (d: Deferred) => d.reject(new Error('refused'))],
    ])('gives the count back when a publish %s', async (_name, settle) => {
      const sends = new UnconfirmedSends({ maxCount: 1, maxBytes: ROOMY.maxBytes }, () => {});
      const publish = deferred();
      sends.add(publish.promise, 10);
      expect(sends.hasRoomFor(10)).toBe(false);
      settle(publish);
      await flush();
      expect(sends.hasRoomFor(10)).toBe(true);
    });

    it.each([
      ['resolves', (d: Deferred) => d.resolve()],
      ['rejects', (d: Deferred) => d.reject(new Error('refused'))],
    ])('gives the bytes back when a publish %s', async (_name, settle) => {
      const sends = new UnconfirmedSends({ maxCount: ROOMY.maxCount, maxBytes: 1000 }, () => {});
      const first = deferred();
      const second = deferred();
      sends.add(first.promise, 300); // 556
      sends.add(second.promise, 100); // 356, 912 in all
      expect(sends.hasRoomFor(0)).toBe(false);
      settle(first);
      await flush();
      // Only the first publish's 556 bytes come back: 356 remain.
      expect(sends.hasRoomFor(1000 - 356 - OVERHEAD)).toBe(true);
      expect(sends.hasRoomFor(1000 - 356 - OVERHEAD + 1)).toBe(false);
      settle(second);
      await flush();
      expect(sends.hasRoomFor(1000 - OVERHEAD)).toBe(true);
    });
  });

  describe('settled', () => {
    it('is undefined when nothing is pending, before and after publishes', async () => {
      const sends = new UnconfirmedSends(ROOMY, () => {});
      expect(sends.settled()).toBeUndefined();
      const publish = deferred();
      sends.add(publish.promise, 0);
      expect(sends.settled()).toBeInstanceOf(Promise);
      publish.resolve();
      await flush();
      expect(sends.settled()).toBeUndefined();
    });

    it('resolves only once every publish added has settled', async () => {
      const sends = new UnconfirmedSends(ROOMY, () => {});
      const first = deferred();
      const second = deferred();
      const third = deferred();
      sends.add(first.promise, 1);
      sends.add(second.promise, 2);
      sends.add(third.promise, 3);
      const all = sends.settled()!;

      expect(await hasSettled(all)).toBe(false);
      second.resolve();
      expect(await hasSettled(all)).toBe(false);
      first.resolve();
      expect(await hasSettled(all)).toBe(false);
      third.resolve();
      expect(await hasSettled(all)).toBe(true);
      await expect(all).resolves.toBeUndefined();
    });

    it.each([0, 1, 2])('waits for the publish added in position %d when it is the last to settle', async (last) => {
      const sends = new UnconfirmedSends(ROOMY, () => {});
      const publishes = [deferred(), deferred(), deferred()];
      publishes.forEach((p, i) => sends.add(p.promise, i));
      const all = sends.settled()!;

      publishes.forEach((p, i) => i !== last && p.resolve());
      expect(await hasSettled(all)).toBe(false);
      publishes[last]!.resolve();
      expect(await hasSettled(all)).toBe(true);
    });

    it('still resolves (does not reject) when a publish is refused', async () => {
      const onFailure = jest.fn();
      const sends = new UnconfirmedSends(ROOMY, onFailure);
      const refused = deferred();
      const confirmed = deferred();
      sends.add(refused.promise, 1);
      sends.add(confirmed.promise, 1);
      const all = sends.settled()!;

      refused.reject(new Error('refused'));
      expect(await hasSettled(all)).toBe(false);
      confirmed.resolve();
      await expect(all).resolves.toBeUndefined();
    });

    it('has reported a failure by the time it resolves', async () => {
      const order: string[] = [];
      const sends = new UnconfirmedSends(ROOMY, () => order.push('failure'));
      const refused = deferred();
      sends.add(refused.promise, 1);
      const all = sends.settled()!.then(() => order.push('settled'));
      refused.reject(new Error('refused'));
      await all;
      expect(order).toEqual(['failure', 'settled']);
    });

    it('of a snapshot does not wait for publishes added after it was taken', async () => {
      const sends = new UnconfirmedSends(ROOMY, () => {});
      const early = deferred();
      const late = deferred();
      sends.add(early.promise, 1);
      const snapshot = sends.settled()!;
      sends.add(late.promise, 1);
      const later = sends.settled()!;

      early.resolve();
      expect(await hasSettled(snapshot)).toBe(true);
      expect(await hasSettled(later)).toBe(false);
      late.resolve();
      expect(await hasSettled(later)).toBe(true);
    });
  });

  describe('failures', () => {
    it('calls onFailure exactly once with the error of a refused publish', async () => {
      const onFailure = jest.fn();
      const sends = new UnconfirmedSends(ROOMY, onFailure);
      const refused = deferred();
      const error = new Error('broker said no');
      sends.add(refused.promise, 1);
      // Several waiters on the same publish must not report it several times.
      const first = sends.settled()!;
      const second = sends.settled()!;
      refused.reject(error);
      await Promise.all([first, second]);
      await flush();
      expect(onFailure).toHaveBeenCalledTimes(1);
      expect(onFailure).toHaveBeenCalledWith(error);
    });

    it('reports each refused publish with its own error, and none for confirmed ones', async () => {
      const onFailure = jest.fn();
      const sends = new UnconfirmedSends(ROOMY, onFailure);
      const a = deferred();
      const b = deferred();
      const c = deferred();
      sends.add(a.promise, 1);
      sends.add(b.promise, 1);
      sends.add(c.promise, 1);
      const errorA = new Error('a');
      const reasonC = 'c, not an Error';
      a.reject(errorA);
      b.resolve();
      c.reject(reasonC);
      await sends.settled();
      expect(onFailure.mock.calls).toEqual([[errorA], [reasonC]]);
    });

    it('never calls onFailure when every publish is confirmed', async () => {
      const onFailure = jest.fn();
      const sends = new UnconfirmedSends(ROOMY, onFailure);
      const publish = deferred();
      sends.add(publish.promise, 1);
      publish.resolve();
      await sends.settled();
      await flush();
      expect(onFailure).not.toHaveBeenCalled();
    });
  });
});
