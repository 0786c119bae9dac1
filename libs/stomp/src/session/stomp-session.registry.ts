import { Injectable } from '@nestjs/common';
import type { StompSession } from '../interfaces/stomp-session.interface.js';
import { CloseCode } from './close-code.js';
import type { StompClientSession } from './stomp-session.js';

/** Why a new connection is turned away, in HTTP terms (status and reason). */
export interface Refusal {
  readonly status: 429 | 503;
  readonly message: string;
  readonly cause: 'limit' | 'shutdown';
}

/** Why a handshake was refused, as logs and `stomp_connections_refused_total` count it. */
export type RefusalReason = 'maxConnections' | 'maxConnectionsPerAddress' | 'shutdown' | 'origin';

/** What a refusal is counted under: the option that caused it, or the shutdown. */
export function refusalKind(refusal: Refusal): RefusalReason {
  if (refusal.cause === 'shutdown') return 'shutdown';
  return refusal.status === 503 ? 'maxConnections' : 'maxConnectionsPerAddress';
}

/** Every open session, connected or still awaiting CONNECT. Applications read it; the server keeps it. */
@Injectable()
export class StompSessionRegistry {
  private readonly sessions = new Map<string, StompClientSession>();
  private readonly perAddress = new Map<string, number>();
  private accepting = true;

  get size(): number {
    return this.sessions.size;
  }

  get(sessionId: string): StompSession | undefined {
    return this.sessions.get(sessionId);
  }

  all(): IterableIterator<StompSession> {
    return this.sessions.values();
  }

  /** Open sessions from one client address. */
  countFrom(address: string | undefined): number {
    return this.perAddress.get(address ?? '') ?? 0;
  }

  /** @internal The server is shutting down: every connection from now on is refused. */
  stopAccepting(): void {
    this.accepting = false;
  }

  /** @internal Tells every open session `message` in an ERROR and closes it (1001): the server goes away. */
  closeAll(message: string): void {
    for (const session of [...this.sessions.values()]) session.fail(new Error(message), undefined, CloseCode.GOING_AWAY, 'shutdown');
  }

  /** @internal Whether one more connection from `address` may open (the server runs, within the limits), and if not, why. */
  refusal(address: string | undefined, limits: { maxConnections: number; maxConnectionsPerAddress: number }): Refusal | undefined {
    if (!this.accepting) return { status: 503, message: 'Server is shutting down', cause: 'shutdown' };
    if (this.sessions.size >= limits.maxConnections) {
      return { status: 503, message: `Too many connections: the server holds its limit of ${limits.maxConnections} (option maxConnections)`, cause: 'limit' };
    }
    if (this.countFrom(address) >= limits.maxConnectionsPerAddress) {
      return {
        status: 429,
        message: `Too many connections from ${address}: at most ${limits.maxConnectionsPerAddress} (option maxConnectionsPerAddress)`,
        cause: 'limit',
      };
    }
    return undefined;
  }

  /**
   * @internal Ends one session: an ERROR saying `error`'s message, then close `closeCode`. Whether
   * the session was open here.
   */
  end(sessionId: string, error: Error, closeCode: number): boolean {
    const session = this.sessions.get(sessionId);
    if (!session) return false;
    session.fail(error, undefined, closeCode, 'admin');
    return true;
  }

  /** @internal */
  add(session: StompClientSession): void {
    this.sessions.set(session.id, session);
    const address = session.remoteAddress ?? '';
    this.perAddress.set(address, (this.perAddress.get(address) ?? 0) + 1);
  }

  /** @internal */
  remove(session: StompClientSession): void {
    if (!this.sessions.delete(session.id)) return;
    const address = session.remoteAddress ?? '';
    const count = (this.perAddress.get(address) ?? 1) - 1;
    if (count > 0) this.perAddress.set(address, count);
    else this.perAddress.delete(address);
  }
}
