import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import { StompConfigurationError } from '../errors/stomp-configuration.error.js';
import { StompProtocolError } from '../errors/stomp-protocol.error.js';
import type { StompSession } from '../interfaces/stomp-session.interface.js';
import { CloseCode } from '../session/close-code.js';
import { StompSessionRegistry } from '../session/stomp-session.registry.js';
import { ClusterChannel } from '../users/cluster-channel.js';
import type { AdminClusterMessage, RebalanceOptions, StompSessionInfo } from './session-info.js';

const DISCONNECT_KIND = 'stomp-admin-disconnect';
const DEFAULT_MESSAGE = 'Disconnected by the server';
export const REBALANCE_MESSAGE = 'Server is rebalancing: reconnect';

/**
 * Operations on the sessions: list them, disconnect one or every one of a user (on every instance
 * that shares the broker, through its cluster channel), and move a share of this instance's clients
 * elsewhere (after a rolling restart left them all on one).
 *
 * @example
 * constructor(private readonly admin: StompAdmin) {}
 * ban(user: string) { return this.admin.disconnectUser(user, 'Banned for spamming'); }
 */
@Injectable()
export class StompAdmin implements OnApplicationShutdown {
  private readonly logger = new Logger('StompAdmin');
  private readonly subscription: Subscription;
  private readonly rebalancing = new Set<{ timer: NodeJS.Timeout; done: () => void }>();

  constructor(
    private readonly registry: StompSessionRegistry,
    private readonly cluster: ClusterChannel,
  ) {
    this.subscription = this.cluster.of<AdminClusterMessage>(DISCONNECT_KIND).subscribe((message) => this.received(message));
  }

  /** This instance's open sessions. */
  sessions(): StompSessionInfo[] {
    return [...this.registry.all()].map(describe);
  }

  /**
   * Ends the session `sessionId`, on whichever instance holds it: its client gets an ERROR whose
   * `message` is `message`, then the connection closes (1008). Resolves to whether this instance
   * held it, once the other instances were told (it rejects when the broker cannot tell them).
   */
  async disconnect(sessionId: string, message = DEFAULT_MESSAGE): Promise<boolean> {
    const here = this.endHere((session) => session.id === sessionId, message) > 0;
    if (!here) await this.tellOthers({ sessionId, message });
    return here;
  }

  /** Ends every session of `user` (a principal's name) on every instance; resolves to how many were on this one. */
  async disconnectUser(user: string, message = DEFAULT_MESSAGE): Promise<number> {
    const ended = this.endHere((session) => session.principal?.name === user, message);
    await this.tellOthers({ user, message });
    return ended;
  }

  /**
   * Asks `share` of this instance's sessions to reconnect (to another instance, through the load
   * balancer): each gets an ERROR "Server is rebalancing: reconnect" and close 1012 (service
   * restart), the closes spread evenly over `over` ms. Resolves to how many were asked, once all were.
   */
  rebalance({ share, over = 30_000 }: RebalanceOptions): Promise<number> {
    if (!(share >= 0 && share <= 1)) throw StompConfigurationError.invalid('rebalance.share', `expected a number from 0 to 1, got ${String(share)}`);
    if (!(Number.isInteger(over) && over >= 0)) throw StompConfigurationError.invalid('rebalance.over', `expected whole milliseconds, got ${String(over)}`);
    const chosen = shuffled([...this.registry.all()]).slice(0, Math.round(share * this.registry.size));
    if (chosen.length > 0) this.logger.log(`Rebalancing: asking ${chosen.length} of ${this.registry.size} sessions to reconnect over ${over} ms`);
    const spacing = chosen.length > 1 ? over / (chosen.length - 1) : 0;
    const closes = chosen.map(
      (session, i) =>
        new Promise<void>((resolve) => {
          const entry = {
            timer: setTimeout(() => {
              this.rebalancing.delete(entry);
              this.registry.end(session.id, new StompProtocolError('STOMP_ERR_REBALANCE', REBALANCE_MESSAGE), CloseCode.SERVICE_RESTART);
              resolve();
            }, Math.round(i * spacing)),
            done: resolve,
          };
          this.rebalancing.add(entry);
        }),
    );
    return Promise.all(closes).then(() => chosen.length);
  }

  onApplicationShutdown(): void {
    this.subscription.unsubscribe();
    // The sessions close with the server anyway: what is left to do is dropped.
    for (const entry of this.rebalancing) {
      clearTimeout(entry.timer);
      entry.done();
    }
    this.rebalancing.clear();
  }

  private endHere(matches: (session: StompSession) => boolean, message: string): number {
    const chosen = [...this.registry.all()].filter(matches);
    for (const session of chosen) this.registry.end(session.id, new StompProtocolError('STOMP_ERR_ADMIN_DISCONNECT', message), CloseCode.POLICY);
    if (chosen.length > 0) this.logger.log(`Disconnected ${chosen.length} session(s): ${message}`);
    return chosen.length;
  }

  private async tellOthers(target: Pick<AdminClusterMessage, 'sessionId' | 'user' | 'message'>): Promise<void> {
    if (!this.cluster.enabled) return;
    await this.cluster.publish<AdminClusterMessage>({ kind: DISCONNECT_KIND, ...target });
  }

  private received(message: AdminClusterMessage): void {
    if (message.from === this.cluster.instanceId || typeof message.message !== 'string') return;
    if (typeof message.sessionId === 'string') this.endHere((session) => session.id === message.sessionId, message.message);
    else if (typeof message.user === 'string') this.endHere((session) => session.principal?.name === message.user, message.message);
  }
}

function describe(session: StompSession): StompSessionInfo {
  return {
    id: session.id,
    user: session.principal?.name,
    address: session.handshake.remoteAddress,
    transport: session.transport,
    connected: session.isConnected,
    connectedSince: session.connectedAt === undefined ? undefined : new Date(session.connectedAt),
    subscriptions: [...session.subscriptionDestinations].map(([id, destination]) => ({ id, destination })),
    bytesReceived: session.bytesReceived,
    bytesSent: session.bytesSent,
  };
}

/** Fisher–Yates: which sessions move is left to chance, not to their age. */
function shuffled<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}
