/** Why a session ended, finer than the `disconnect` event's reason: the label of `stomp_session_closes_total`. */
export type SessionCloseCause =
  /** The client sent DISCONNECT. */
  | 'client'
  /** No frame or heart-beat from the client in time. */
  | 'heart-beat'
  /** The client read too slowly (close 4500). */
  | 'slow-consumer'
  /** The server refused a frame (ERROR), or a connection limit ran out. */
  | 'protocol-error'
  /** The application shut down. */
  | 'shutdown'
  /** The connection dropped without DISCONNECT. */
  | 'transport'
  /** The broker dropped the session's relay connection. */
  | 'broker-lost'
  /** An administrator disconnected it (`StompAdmin.disconnect`). */
  | 'admin'
  /** It was asked to reconnect elsewhere (`StompAdmin.rebalance`). */
  | 'rebalance'
  /** A bug of ours ended it. */
  | 'internal';

/** Upper bounds of the handler duration buckets, in seconds (Prometheus's defaults). */
export const HANDLER_DURATION_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Calls of one handler mapping: how many, their total time, and how many fell in each bucket (not cumulative). */
export class HandlerTiming {
  count = 0;
  sumSeconds = 0;
  /** One slot per bucket of HANDLER_DURATION_BUCKETS, and a last one for slower calls. */
  readonly buckets = new Float64Array(HANDLER_DURATION_BUCKETS.length + 1);

  observe(seconds: number): void {
    this.count++;
    this.sumSeconds += seconds;
    let i = 0;
    while (i < HANDLER_DURATION_BUCKETS.length && seconds > HANDLER_DURATION_BUCKETS[i]!) i++;
    this.buckets[i]!++;
  }
}

/**
 * What the stages count as they work, as plain numbers: the hot path only adds to a field (one
 * increment per delivered MESSAGE), and whoever wants the numbers reads them when asked (the
 * metrics stage, at scrape time). One instance per module, shared by every stage that counts.
 */
export class StompCounters {
  /** Frames the clients sent, by command. */
  readonly framesReceived: Record<string, number> = Object.create(null) as Record<string, number>;
  /** Frames the sessions wrote themselves (CONNECTED, RECEIPT, ERROR...), by command; MESSAGEs are `messagesDelivered`. */
  readonly framesSent: Record<string, number> = Object.create(null) as Record<string, number>;
  /** MESSAGE frames written to clients (a broker's deliveries and handler replies alike). */
  messagesDelivered = 0;
  /** Messages handed to the broker (client SENDs, template and handler sends). */
  messagesPublished = 0;
  /** ERROR frames sent to clients, by the error's code. */
  readonly errors: Record<string, number> = Object.create(null) as Record<string, number>;
  /** Sessions that ended, by cause. */
  readonly closes: Record<string, number> = Object.create(null) as Record<string, number>;
  /** Handshakes (and SockJS sessions) turned away before a session began, by reason: the limit, the shutdown, the Origin. */
  readonly connectionsRefused: Record<string, number> = Object.create(null) as Record<string, number>;
  /** Bytes received from and written to clients by sessions that have ended (open ones count their own). */
  closedBytesIn = 0;
  closedBytesOut = 0;
  /** Handler calls by mapping (`@MessageMapping` destination pattern). */
  readonly handlers = new Map<string, HandlerTiming>();

  frameReceived(command: string): void {
    this.framesReceived[command] = (this.framesReceived[command] ?? 0) + 1;
  }

  frameSent(command: string): void {
    this.framesSent[command] = (this.framesSent[command] ?? 0) + 1;
  }

  errorSent(code: string): void {
    this.errors[code] = (this.errors[code] ?? 0) + 1;
  }

  connectionRefused(reason: string): void {
    this.connectionsRefused[reason] = (this.connectionsRefused[reason] ?? 0) + 1;
  }

  sessionClosed(cause: SessionCloseCause, bytesIn: number, bytesOut: number): void {
    this.closes[cause] = (this.closes[cause] ?? 0) + 1;
    this.closedBytesIn += bytesIn;
    this.closedBytesOut += bytesOut;
  }

  handlerCalled(mapping: string, seconds: number): void {
    let timing = this.handlers.get(mapping);
    if (!timing) this.handlers.set(mapping, (timing = new HandlerTiming()));
    timing.observe(seconds);
  }
}
