import type { NatsSession } from './jetstream-connection.js';

/**
 * The NATS readers (core subscriptions, ordered consumers, a queue's push consumer) held by one
 * owner: a subscription, or the live fan-out its subscribers share. `stop` ends them all, at once
 * for a reader added afterwards (a SUBSCRIBE still setting up when its session went).
 */
export class NatsReaders {
  private readonly stops: (() => void)[] = [];
  private readonly resumers: ((session: NatsSession) => Promise<void>)[] = [];
  private stopped = false;

  get isStopped(): boolean {
    return this.stopped;
  }

  /**
   * A reader to hold; `stop` runs when the owner ends (at once if it already has), `resume` when
   * NATS is back after an outage (readers the NATS client restores itself have none).
   */
  add(stop: () => void, resume?: (session: NatsSession) => Promise<void>): void {
    if (this.stopped) {
      stop();
      return;
    }
    this.stops.push(stop);
    if (resume) this.resumers.push(resume);
  }

  async resume(session: NatsSession): Promise<void> {
    for (const resume of this.resumers) if (!this.stopped) await resume(session);
  }

  /** Stops every reader; returns false when they had been stopped already. */
  stop(): boolean {
    if (this.stopped) return false;
    this.stopped = true;
    for (const stop of this.stops.splice(0)) stop();
    this.resumers.length = 0;
    return true;
  }
}
