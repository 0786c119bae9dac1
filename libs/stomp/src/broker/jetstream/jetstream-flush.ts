import type { NatsSession } from './jetstream-connection.js';

/** Waits for NATS to have everything sent before: a PING and its PONG, bounded by `publishTimeout`. */
export class NatsFlush {
  /** The flush the publishes of the current turn wait for (see {@link batched}). */
  private pending: Promise<void> | undefined;

  constructor(private readonly timeoutMs: number) {}

  /** Resolves once the server answered a PING sent after everything before it; rejects after the timeout. */
  async flush(nc: NatsSession['nc']): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`NATS did not answer within ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    await Promise.race([nc.flush(), timeout]).finally(() => clearTimeout(timer));
  }

  /**
   * One flush for the publishes of one turn of the event loop (a client's pipelined SENDs arrive in
   * batches): its PING goes out after all of them, so its PONG confirms each.
   */
  batched(nc: NatsSession['nc']): Promise<void> {
    this.pending ??= Promise.resolve().then(() => {
      this.pending = undefined;
      return this.flush(nc);
    });
    return this.pending;
  }
}
