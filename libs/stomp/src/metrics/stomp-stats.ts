import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import { StompEvents } from '../events/stomp-events.js';
import { STOMP_SETTINGS } from '../interfaces/injection-tokens.js';
import { HANDLER_DURATION_BUCKETS, StompCounters } from '../interfaces/stomp-counters.js';
import { StompSessionRegistry } from '../session/stomp-session.registry.js';
import type { StatsSettings } from './metrics-settings.js';

/** Calls of one handler mapping. `buckets[i]`: calls that took at most `HANDLER_DURATION_BUCKETS[i]` seconds (cumulative). */
export interface HandlerStats {
  readonly count: number;
  readonly sumSeconds: number;
  readonly buckets: readonly number[];
}

/** Every number the library counts, at one moment, as a plain object (Spring's `WebSocketMessageBrokerStats`). */
export interface StompStatsSnapshot {
  readonly sessions: { readonly open: number; readonly connected: number; readonly websocket: number; readonly sockjs: number; readonly maxConnections: number };
  /** Frames from clients, by command. */
  readonly framesReceived: Readonly<Record<string, number>>;
  /** Frames to clients, by command (MESSAGE: `messages.delivered`). */
  readonly framesSent: Readonly<Record<string, number>>;
  readonly messages: { readonly published: number; readonly delivered: number };
  /** Ended sessions, by cause (client, heart-beat, slow-consumer, protocol-error, shutdown, transport, broker-lost, admin, rebalance, internal). */
  readonly closes: Readonly<Record<string, number>>;
  /** ERROR frames sent, by error code. */
  readonly errors: Readonly<Record<string, number>>;
  /** Handshakes refused before a session began, by reason (maxConnections, maxConnectionsPerAddress, shutdown, origin). */
  readonly connectionsRefused: Readonly<Record<string, number>>;
  /** By mapping (the `@MessageMapping`/`@SubscribeMapping` pattern). */
  readonly handlers: Readonly<Record<string, HandlerStats>>;
  /** Bytes from and to clients, ended sessions included (WebSocket: on the wire; SockJS: STOMP bytes). */
  readonly bytes: { readonly received: number; readonly sent: number };
  readonly broker: { readonly kind: string; readonly available: boolean; readonly reconnects: number };
}

/**
 * The library's numbers as a plain object, whatever metrics system the application uses (the
 * Prometheus metrics read the same numbers), and a summary line in the log every
 * `statsLogInterval` ms, as Spring's `WebSocketMessageBrokerStats`.
 *
 * @example
 * constructor(stats: StompStats) {}
 * report() { return this.stats.snapshot().sessions.connected; }
 */
@Injectable()
export class StompStats implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('StompStats');
  private readonly subscription: Subscription;
  private brokerUp = false;
  private brokerWasUp = false;
  private reconnects = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly counters: StompCounters,
    private readonly sessions: StompSessionRegistry,
    @Inject(STOMP_SETTINGS) private readonly settings: StatsSettings,
    events: StompEvents,
  ) {
    // Subscribed before bootstrap: the first availability is told then.
    this.subscription = events.ofType('broker-availability').subscribe(({ available }) => this.brokerAvailabilityChanged(available));
  }

  /** Whether the broker takes messages now. */
  get brokerAvailable(): boolean {
    return this.brokerUp;
  }

  /** Times the broker came back after it was lost. */
  get brokerReconnects(): number {
    return this.reconnects;
  }

  /** Which broker: `simple`, `relay`, `redis`, or `custom` (an instance of the application's own). */
  get brokerKind(): string {
    const broker = this.settings.broker;
    return 'kind' in broker ? broker.kind : 'custom';
  }

  /** Open sessions by transport, and how many are connected (read now, not counted on the way). */
  sessionCounts(): StompStatsSnapshot['sessions'] {
    let connected = 0;
    let websocket = 0;
    let sockjs = 0;
    for (const session of this.sessions.all()) {
      if (session.isConnected) connected++;
      if (session.transport === 'websocket') websocket++;
      else sockjs++;
    }
    return { open: websocket + sockjs, connected, websocket, sockjs, maxConnections: this.settings.maxConnections };
  }

  /** Bytes from and to clients: ended sessions' and open ones'. */
  bytes(): StompStatsSnapshot['bytes'] {
    let received = this.counters.closedBytesIn;
    let sent = this.counters.closedBytesOut;
    for (const session of this.sessions.all()) {
      received += session.bytesReceived;
      sent += session.bytesSent;
    }
    return { received, sent };
  }

  snapshot(): StompStatsSnapshot {
    const c = this.counters;
    const handlers: Record<string, HandlerStats> = {};
    for (const [mapping, timing] of c.handlers) {
      let cumulative = 0;
      const buckets = HANDLER_DURATION_BUCKETS.map((_, i) => (cumulative += timing.buckets[i]!));
      handlers[mapping] = { count: timing.count, sumSeconds: timing.sumSeconds, buckets };
    }
    return {
      sessions: this.sessionCounts(),
      framesReceived: { ...c.framesReceived },
      framesSent: { ...c.framesSent, MESSAGE: (c.framesSent.MESSAGE ?? 0) + c.messagesDelivered },
      messages: { published: c.messagesPublished, delivered: c.messagesDelivered },
      closes: { ...c.closes },
      errors: { ...c.errors },
      connectionsRefused: { ...c.connectionsRefused },
      handlers,
      bytes: this.bytes(),
      broker: { kind: this.brokerKind, available: this.brokerUp, reconnects: this.reconnects },
    };
  }

  /** The log's summary line: sessions, frames each way, messages, closes, errors, the broker. */
  summary(snapshot: StompStatsSnapshot = this.snapshot()): string {
    const { sessions, messages, broker } = snapshot;
    return [
      `sessions ${sessions.open} open (${sessions.connected} connected; websocket ${sessions.websocket}, sockjs ${sessions.sockjs}; limit ${sessions.maxConnections})`,
      `frames in ${counts(snapshot.framesReceived)}`,
      `frames out ${counts(snapshot.framesSent)}`,
      `messages published ${messages.published}, delivered ${messages.delivered}`,
      `closes ${counts(snapshot.closes)}`,
      `errors ${counts(snapshot.errors)}`,
      `refused ${counts(snapshot.connectionsRefused)}`,
      `broker ${broker.kind} ${broker.available ? 'available' : 'unavailable'}, ${broker.reconnects} reconnects`,
    ].join('; ');
  }

  onApplicationBootstrap(): void {
    const interval = this.settings.statsLogInterval;
    if (interval > 0) {
      this.timer = setInterval(() => this.logger.log(this.summary()), interval);
      this.timer.unref();
    }
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
    this.subscription.unsubscribe();
  }

  private brokerAvailabilityChanged(available: boolean): void {
    if (available && this.brokerWasUp && !this.brokerUp) this.reconnects++;
    if (available) this.brokerWasUp = true;
    this.brokerUp = available;
  }
}

/** `CONNECT(3) SEND(12)`, or `none`. */
function counts(values: Readonly<Record<string, number>>): string {
  const entries = Object.entries(values).filter(([, n]) => n > 0);
  return entries.length === 0 ? 'none' : entries.map(([name, n]) => `${name}(${n})`).join(' ');
}
