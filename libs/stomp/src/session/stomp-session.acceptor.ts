import { StompLogger } from '../util/stomp-logger.js';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { CountedLog } from '../util/counted-log.js';
import { StompEvents } from '../events/stomp-events.js';
import { STOMP_SETTINGS } from '../interfaces/injection-tokens.js';
import { StompCounters } from '../interfaces/stomp-counters.js';
import { encodeFrame, UNNEGOTIATED } from '../protocol/frame-encoder.js';
import { CloseCode } from './close-code.js';
import type { AcceptorSettings } from './session-settings.js';
import type { StompConnection } from './stomp-connection.js';
import { STOMP_FRAME_ROUTER, type StompFrameRouter } from './stomp-frame-router.js';
import { StompClientSession } from './stomp-session.js';
import { refusalKind, StompSessionRegistry } from './stomp-session.registry.js';

/**
 * An interval in which an instance accepts at least this many sessions is a burst (clients moving
 * over from an instance that went away, a mass reconnect), summed up in one line at log level.
 * Fewer are routine: each session's own line is at debug.
 */
export const ACCEPT_BURST_THRESHOLD = 10;
export const ACCEPT_BURST_INTERVAL_MS = 10_000;

/** Opens a session on every new connection and keeps the registry in step with it. */
@Injectable()
export class StompSessionAcceptor implements OnApplicationShutdown {
  private readonly logger = new StompLogger('StompSession');
  /** A flood of refused connections writes one line a minute, not one per client. */
  private readonly refusals = new CountedLog((line) => this.logger.warn(line), 'connections refused');
  /** A failover's burst of new sessions: one line per interval, not silence, not one per session. */
  private readonly accepted = new CountedLog((line) => this.logger.log(line), 'sessions accepted', {
    intervalMs: ACCEPT_BURST_INTERVAL_MS,
    writeFirst: false,
    threshold: ACCEPT_BURST_THRESHOLD,
    summary: (total, detail, seconds) => `Accepted ${total} sessions in the last ${seconds} s (${detail}); ${this.registry.size} open`,
  });

  constructor(
    @Inject(STOMP_SETTINGS) private readonly settings: AcceptorSettings,
    @Inject(STOMP_FRAME_ROUTER) private readonly router: StompFrameRouter,
    private readonly events: StompEvents,
    private readonly registry: StompSessionRegistry,
    private readonly counters: StompCounters,
  ) {}

  /**
   * Opens a session, or turns the connection away when a connection limit is reached or the server
   * is shutting down (raw WebSocket handshakes are refused earlier, in HTTP; SockJS ones land here).
   */
  accept(connection: StompConnection): StompClientSession | undefined {
    const refusal = this.registry.refusal(connection.remoteAddress, this.settings);
    if (refusal) {
      this.counters.connectionRefused(refusalKind(refusal));
      this.refusals.count(refusalKind(refusal), () => `${connection.transport === 'sockjs' ? 'SockJS session' : 'WebSocket connection'} from ${connection.remoteAddress} refused: ${refusal.message}`);
      connection.send(encodeFrame({ command: 'ERROR', headers: { message: refusal.message } }, UNNEGOTIATED), false);
      if (refusal.cause === 'shutdown') connection.close(CloseCode.GOING_AWAY, refusal.message);
      else connection.close(CloseCode.SESSION_LIMIT, 'Too many connections');
      return undefined;
    }
    const session = new StompClientSession(connection, this.settings, this.router, this.logger, this.events, this.counters, this.registry);
    this.registry.add(session);
    this.accepted.count(connection.transport);
    return session;
  }

  onApplicationShutdown(): void {
    this.refusals.close();
    this.accepted.close();
  }
}
