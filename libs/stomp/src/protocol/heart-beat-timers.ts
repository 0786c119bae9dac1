import type { NegotiatedHeartBeat } from './heart-beat.js';

/**
 * The two heart-beat timers of one STOMP connection, either end (a client session, or the relay's
 * connection to its broker), once the intervals are agreed: `beat` writes a heart-beat when nothing
 * else was written for `sendInterval`, and `onSilence` runs when nothing arrived for
 * `receiveTimeout`. The owner calls `sent()` after each write and `received()` on each read, which
 * push the timers back; both are no-ops before `start` and after `stop`.
 */
export class HeartBeatTimers {
  private sendTimer: NodeJS.Timeout | undefined;
  private receiveTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly beat: () => void,
    private readonly onSilence: (receiveTimeout: number) => void,
  ) {}

  /** Starts the timers an interval of 0 leaves off. Timers never keep the process alive. */
  start({ sendInterval, receiveTimeout }: NegotiatedHeartBeat): void {
    this.stop();
    if (sendInterval > 0) {
      this.sendTimer = setTimeout(() => {
        this.beat();
        this.sendTimer?.refresh();
      }, sendInterval).unref();
    }
    if (receiveTimeout > 0) {
      this.receiveTimer = setTimeout(() => this.onSilence(receiveTimeout), receiveTimeout).unref();
    }
  }

  /** Something was written: the next heart-beat is due a whole interval from now. */
  sent(): void {
    this.sendTimer?.refresh();
  }

  /** Something arrived: the peer is alive for another receive timeout. */
  received(): void {
    this.receiveTimer?.refresh();
  }

  stop(): void {
    clearTimeout(this.sendTimer);
    clearTimeout(this.receiveTimer);
    this.sendTimer = undefined;
    this.receiveTimer = undefined;
  }
}
