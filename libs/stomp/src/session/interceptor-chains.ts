import type { Logger } from '@nestjs/common';
import { StompProtocolError } from '../errors/stomp-protocol.error.js';
import type { StompFrame } from '../protocol/stomp-frame.js';
import type { StompChannelInterceptor } from './stomp-channel-interceptor.js';
import type { StompSession } from '../interfaces/stomp-session.interface.js';

/** What an inbound chain makes of a frame: the frame to act on, `null` when dropped. */
export type Intercepted = StompFrame | null | Promise<StompFrame | null>;

/**
 * The application's {@link StompChannelInterceptor}s of one session, split by direction once. An
 * inbound interceptor that throws or rejects refuses its frame; an outbound one that throws costs
 * only the frame it was given (logged), never the session.
 */
export class InterceptorChains {
  /** Every session of one module has the same interceptors: one pair of chains serves them all. */
  private static readonly byInterceptors = new WeakMap<readonly StompChannelInterceptor[], InterceptorChains>();
  private readonly inbound: readonly StompChannelInterceptor[];
  private readonly outbound: readonly StompChannelInterceptor[];

  private constructor(
    interceptors: readonly StompChannelInterceptor[],
    private readonly logger: Logger,
  ) {
    this.inbound = interceptors.filter((i) => i.inbound);
    this.outbound = interceptors.filter((i) => i.outbound);
  }

  static of(interceptors: readonly StompChannelInterceptor[], logger: Logger): InterceptorChains {
    let chains = InterceptorChains.byInterceptors.get(interceptors);
    if (!chains) {
      chains = new InterceptorChains(interceptors, logger);
      InterceptorChains.byInterceptors.set(interceptors, chains);
    }
    return chains;
  }

  get hasInbound(): boolean {
    return this.inbound.length > 0;
  }

  get hasOutbound(): boolean {
    return this.outbound.length > 0;
  }

  /** Each inbound interceptor in turn, awaiting the asynchronous ones; a refusal throws (or rejects) a StompProtocolError. */
  applyInbound(frame: StompFrame, session: StompSession, from = 0): Intercepted {
    let current: StompFrame | null = frame;
    for (let i = from; i < this.inbound.length && current; i++) {
      let next: Intercepted;
      try {
        next = this.inbound[i]!.inbound!(current, session);
      } catch (error) {
        throw StompProtocolError.refused(frame.command, error).withReceipt(frame.headers.receipt);
      }
      if (next instanceof Promise) {
        return next.then(
          (resolved) => (resolved ? this.applyInbound(resolved, session, i + 1) : null),
          (error: unknown) => {
            throw StompProtocolError.refused(frame.command, error).withReceipt(frame.headers.receipt);
          },
        );
      }
      current = next;
    }
    return current;
  }

  /** Each outbound interceptor in turn: the frame to send, or `null` not to send it. */
  applyOutbound(frame: StompFrame, session: StompSession): StompFrame | null {
    let current: StompFrame | null = frame;
    for (const interceptor of this.outbound) {
      try {
        current = interceptor.outbound!(current, session);
      } catch (error) {
        this.logger.error(`Session ${session.id}: an outbound interceptor failed on ${frame.command}; the frame is not sent`, (error as Error).stack);
        return null;
      }
      if (!current) return null;
    }
    return current;
  }
}
