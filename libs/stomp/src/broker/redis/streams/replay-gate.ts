import type { MessageFrameTemplate } from '../../../protocol/message-frame-template.js';
import type { StompFrame } from '../../../protocol/stomp-frame.js';
import type { BrokerSubscriber } from '../../message-broker.js';
import { STREAM_OFFSET_HEADER } from '../../retention/stream-offset.js';

/**
 * Most live messages held back during one replay. A replay reads 1000 entries a round trip; a
 * destination that receives more than this meanwhile would hold them all in memory, so the session
 * ends instead, with an ERROR telling the client to resume from the last offset it got.
 */
export const MAX_HELD_DURING_REPLAY = 10_000;

interface Replay {
  /** Live messages held back while the log is being replayed; `undefined` once it was. */
  held: Array<{ template: MessageFrameTemplate; messageId: string; ack: string | undefined }> | undefined;
  /** The last offset replayed: a live message at or before it was already delivered. */
  lastReplayed: number;
}

/**
 * Stands for one client session in front of the instance's local fan-out. A subscription that
 * replays its destination's log is subscribed first, so that live messages arriving during the
 * replay are held back; once the replay is done they follow it, except those the replay already
 * gave (the feed may run behind the log). So the subscriber gets the log and then the live messages,
 * in order, nothing twice, nothing missing.
 */
export class ReplayGate implements BrokerSubscriber {
  private readonly replays = new Map<string, Replay>();

  constructor(readonly session: BrokerSubscriber) {}

  get id(): string {
    return this.session.id;
  }
  get version(): BrokerSubscriber['version'] {
    return this.session.version;
  }
  get isClosed(): boolean {
    return this.session.isClosed;
  }
  get principal(): BrokerSubscriber['principal'] {
    return this.session.principal;
  }

  /** Subscription `subscriptionId` starts replaying: hold its live messages. Returns the replay's handle. */
  begin(subscriptionId: string): object {
    const replay: Replay = { held: [], lastReplayed: -1 };
    this.replays.set(subscriptionId, replay);
    return replay;
  }

  /** Whether `handle`'s replay is still that of a live subscription (not unsubscribed, nor replaced). */
  isCurrent(subscriptionId: string, handle: object): boolean {
    return this.replays.get(subscriptionId) === handle && !this.session.isClosed;
  }

  /** One replayed message. */
  replayed(subscriptionId: string, handle: object, offset: number, template: MessageFrameTemplate, messageId: string): void {
    if (!this.isCurrent(subscriptionId, handle)) return;
    (handle as Replay).lastReplayed = offset;
    this.session.deliverMessage(template, subscriptionId, messageId);
  }

  /** The replay is over: what was held back follows it. */
  finish(subscriptionId: string, handle: object): void {
    if (!this.isCurrent(subscriptionId, handle)) return;
    const replay = handle as Replay;
    const held = replay.held ?? [];
    replay.held = undefined;
    for (const { template, messageId, ack } of held) this.deliverMessage(template, subscriptionId, messageId, ack);
  }

  /** The subscription ended or is replaced by one that does not replay. */
  end(subscriptionId: string): void {
    this.replays.delete(subscriptionId);
  }

  /** Every subscription of the session ended: replays still running stop. */
  endAll(): void {
    this.replays.clear();
  }

  deliverMessage(template: MessageFrameTemplate, subscriptionId: string, messageId: string, ack?: string): void {
    const replay = this.replays.get(subscriptionId);
    if (replay?.held) {
      if (replay.held.length >= MAX_HELD_DURING_REPLAY) {
        this.replays.delete(subscriptionId);
        this.session.brokerLost(
          `Replay of '${String(template.headers.destination)}' fell behind: more than ${MAX_HELD_DURING_REPLAY} live messages arrived while the log was read; subscribe again with x-stream-offset:offset=<the last offset received + 1>`,
        );
        return;
      }
      replay.held.push({ template, messageId, ack });
      return;
    }
    if (replay && Number(template.headers[STREAM_OFFSET_HEADER]) <= replay.lastReplayed) return;
    this.session.deliverMessage(template, subscriptionId, messageId, ack);
  }

  deliverFrame(frame: StompFrame, binary: boolean): void {
    this.session.deliverFrame(frame, binary);
  }

  deliver(frame: Buffer, binary: boolean): void {
    this.session.deliver(frame, binary);
  }

  brokerLost(reason: string): void {
    this.session.brokerLost(reason);
  }
}
