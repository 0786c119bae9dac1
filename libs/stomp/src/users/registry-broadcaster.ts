import { StompLogger } from '../util/stomp-logger.js';
import { ByteBudget } from './byte-budget.js';
import type { ClusterChannel } from './cluster-channel.js';
import type { RegistryChanges } from './registry-changes.js';
import { encodeUpdate, RegistryUpdateWriter, type RegistryHeartbeat, type RegistryRequest } from './registry-messages.js';
import type { UserRegistryBroadcastSettings } from './user-registry-broadcast.settings.js';

/** Largest update message; a full snapshot of many subscriptions goes out in parts of this size. */
const MAX_MESSAGE_BYTES = 64 * 1024;

interface Outgoing {
  readonly data: string;
  readonly bytes: number;
  readonly seq: number;
  /** The first part of a full snapshot. */
  readonly reset: boolean;
}

/**
 * Tells the other instances of this one's users: what changed, at most once per `interval`, as
 * deltas; a full snapshot when another instance asks for one (it is new, or it lost an update);
 * and within `maxBytesPerSecond` on average, however fast the sessions change. While the budget is
 * spent nothing new is encoded: changes keep accumulating in {@link RegistryChanges}, where churn
 * cancels out, and go out as one delta once the budget allows.
 */
export class RegistryBroadcaster {
  private readonly logger = new StompLogger('StompModule');
  private readonly budget: ByteBudget;
  private readonly maxMessageBytes: number;
  private readonly queue: Outgoing[] = [];
  private seq = 0;
  /** The sequence number of the last update handed to the broker. */
  private sentSeq = 0;
  private fullRequested = false;
  /** A full snapshot is queued and its first part not sent: a request now would get the same. */
  private fullQueued = false;
  private flushTimer: NodeJS.Timeout | undefined;
  private pumpTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly channel: ClusterChannel,
    private readonly instanceId: string,
    private readonly changes: RegistryChanges,
    private readonly settings: UserRegistryBroadcastSettings,
  ) {
    this.budget = new ByteBudget(settings.maxBytesPerSecond);
    this.maxMessageBytes = Math.max(1024, Math.min(MAX_MESSAGE_BYTES, settings.maxBytesPerSecond));
  }

  /** Something changed: an update goes out within `interval` (later while the budget is spent). */
  changed(): void {
    this.schedule();
  }

  /** Another instance needs everything this one has. */
  fullSnapshotRequested(): void {
    if (this.fullQueued) return;
    this.fullRequested = true;
    this.schedule();
  }

  /** The broker is there for the first time: this instance introduces itself and asks the others for theirs. */
  joined(): void {
    this.fullSnapshotRequested();
    this.sendSmall<RegistryRequest>({ kind: 'user-registry-request', to: '*' });
  }

  /** Tells the others the last update sent, so that one which lost an update finds out. */
  heartbeat(): void {
    this.sendSmall<RegistryHeartbeat>({ kind: 'user-registry-heartbeat', seq: this.sentSeq });
  }

  /** Asks instance `to` for a full snapshot. */
  request(to: string): void {
    this.sendSmall<RegistryRequest>({ kind: 'user-registry-request', to });
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.flushTimer);
    clearTimeout(this.pumpTimer);
    this.queue.length = 0;
  }

  private schedule(): void {
    if (this.stopped || this.flushTimer || this.queue.length > 0) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      this.flush();
    }, this.settings.interval).unref();
  }

  /** Encodes what is due (a full snapshot, or the delta since the last update) and sends it as the budget allows. */
  private flush(): void {
    if (this.stopped || this.queue.length > 0) return;
    const writer = new RegistryUpdateWriter(this.maxMessageBytes);
    const full = this.fullRequested;
    if (full) this.changes.writeFull(writer);
    else if (this.changes.pending) this.changes.writeDelta(writer);
    else return;
    this.fullRequested = false;
    const parts = writer.finish();
    if (parts.length === 0 && !full) return;
    if (parts.length === 0) parts.push([]);
    parts.forEach((ops, index) => {
      const seq = ++this.seq;
      const reset = full && index === 0;
      const data = encodeUpdate(this.instanceId, seq, ops, { reset, end: full && index === parts.length - 1 });
      this.queue.push({ data, bytes: Buffer.byteLength(data), seq, reset });
    });
    this.fullQueued = full;
    this.pump();
  }

  private pump(): void {
    clearTimeout(this.pumpTimer);
    this.pumpTimer = undefined;
    while (this.queue.length > 0 && !this.stopped) {
      const wait = this.budget.waitMs;
      if (wait > 0) {
        this.pumpTimer = setTimeout(() => this.pump(), wait).unref();
        return;
      }
      const message = this.queue.shift()!;
      if (message.reset) this.fullQueued = false;
      this.budget.spend(message.bytes);
      this.sentSeq = message.seq;
      this.send(message.data);
    }
    if (this.fullRequested || this.changes.pending) this.schedule();
  }

  /** Heartbeats and requests: a few dozen bytes, counted in the budget but never waiting for it. */
  private sendSmall<T extends RegistryHeartbeat | RegistryRequest>(message: Omit<T, 'from'>): void {
    if (this.stopped) return;
    const data = JSON.stringify({ ...message, from: this.instanceId });
    this.budget.spend(Buffer.byteLength(data));
    this.send(data);
  }

  private send(data: string): void {
    this.channel.publishEncoded(data).catch((error: unknown) => {
      // The broker is away: the others see the gap in the sequence numbers and ask for a full snapshot.
      this.logger.debug(`User registry update not shared: ${(error as Error).message}`);
    });
  }
}
