import { createHook } from 'node:async_hooks';
import { fileURLToPath } from 'node:url';

interface TimerResource {
  readonly _destroyed?: boolean;
  readonly _idleTimeout?: number;
  readonly _onTimeout?: { readonly name?: string };
}

const THIS_FILE = fileURLToPath(import.meta.url);
const JEST_PACKAGE = /[\\/]node_modules[\\/](@jest|jest-[^\\/]+)[\\/]/;

/**
 * Whether the timer being created comes from jest itself: with one worker jest runs test files in
 * its own process, so its reporter's status timers would otherwise count as the app's. Reads raw
 * call sites (no formatted, source-mapped stack: this runs for every timer of a churn test).
 */
function createdByJest(): boolean {
  const { prepareStackTrace, stackTraceLimit } = Error;
  Error.prepareStackTrace = (_error, sites) => sites;
  Error.stackTraceLimit = 16;
  const sites = new Error().stack as unknown as NodeJS.CallSite[];
  Error.prepareStackTrace = prepareStackTrace;
  Error.stackTraceLimit = stackTraceLimit;
  // The first frame outside Node's timers and this hook is whoever called setTimeout.
  for (const site of sites) {
    const file = site.getFileName();
    if (!file || file.startsWith('node:')) continue;
    const path = file.startsWith('file:') ? fileURLToPath(file) : file;
    if (path === THIS_FILE) continue;
    return JEST_PACKAGE.test(path);
  }
  return false;
}

/**
 * Timers of the module as a whole, not of any session: the log summaries' interval (counted
 * refusals, bursts of new sessions), which runs while such events keep coming and is cleared at
 * shutdown (test/hardening/shutdown checks that). Specs about sessions' own timers leave it out.
 */
export const SESSIONLESS_TIMERS: readonly string[] = ['countedLogInterval'];

/**
 * Every timer created while tracking, unref'd ones included (the server unrefs its heart-beat and
 * limit timers, so `getActiveResourcesInfo` never shows them): `live()` lists those neither fired
 * nor cleared.
 */
export class TimerTracker {
  /** By async id; a timer leaves on its destroy hook, so that tracking holds on to nothing for long. */
  private readonly timers = new Map<number, TimerResource>();
  private count = 0;
  private readonly hook = createHook({
    init: (id, type, _trigger, resource) => {
      if (type !== 'Timeout' || createdByJest()) return;
      this.timers.set(id, resource as TimerResource);
      this.count++;
    },
    destroy: (id) => {
      this.timers.delete(id);
    },
  });

  static start(): TimerTracker {
    const tracker = new TimerTracker();
    tracker.hook.enable();
    return tracker;
  }

  /**
   * Timers still pending, as `<delay>ms <callback name>`, but for Node's own HTTP `Date` header
   * cache and those named in `except` (e.g. `SESSIONLESS_TIMERS`).
   */
  live(except: readonly string[] = []): string[] {
    return [...this.timers.values()]
      .filter((t) => t._destroyed === false && t._onTimeout?.name !== 'resetCache' && !except.includes(t._onTimeout?.name ?? ''))
      .map((t) => `${t._idleTimeout}ms ${t._onTimeout?.name || 'anonymous'}`);
  }

  /** Timers created since tracking began. */
  get created(): number {
    return this.count;
  }

  stop(): void {
    this.hook.disable();
    this.timers.clear();
  }
}

/** Rejects after `ms` with `what` unless `promise` settles first; the timer never outlives it. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`Timed out after ${ms} ms waiting for ${what}`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
