import { performance } from 'node:perf_hooks';
import { Injectable, Optional } from '@nestjs/common';
import { StompProtocolError } from '../errors/stomp-protocol.error.js';
import { StompCounters } from '../interfaces/stomp-counters.js';
import type { SessionOutlet } from '../interfaces/stomp-session.interface.js';
import { MessageConverter } from '../messaging/message-converter.js';
import type { StompHeaders } from '../protocol/stomp-frame.js';
import { HandlerErrorHandler } from './handler-error.handler.js';
import { HandlerResultRouter } from './handler-result.router.js';
import type { MessageHandler } from './message-handler.js';
import { MessageHandlerRegistry, type HandlerMatch } from './message-handler.registry.js';
import { StompContext } from './stomp-context.js';

/** One frame for an application destination: a SEND (`@MessageMapping`) or a SUBSCRIBE (`@SubscribeMapping`). */
export interface HandlerCall {
  readonly session: SessionOutlet;
  /** Destination the client used, prefix included. */
  readonly destination: string;
  /** The destination without the application prefix, as mappings see it. */
  readonly lookup: string;
  readonly headers: StompHeaders;
  readonly body: Buffer;
}

/**
 * Calls the handler mapped to an application destination: converts the body to its payload, runs
 * it through Nest's enhancers, routes its return value, and reports what failed to the sender.
 */
@Injectable()
export class HandlerInvoker {
  constructor(
    private readonly handlers: MessageHandlerRegistry,
    private readonly converter: MessageConverter,
    private readonly results: HandlerResultRouter,
    private readonly errors: HandlerErrorHandler,
    @Optional() private readonly counters: StompCounters = new StompCounters(),
  ) {}

  /** The handler for a destination; throws the client's ERROR when none maps it. */
  handlerFor(kind: MessageHandler['kind'], destination: string, lookup: string): HandlerMatch {
    const match = this.handlers.find(kind, lookup);
    if (!match) {
      const decorator = kind === 'message' ? '@MessageMapping' : '@SubscribeMapping';
      throw new StompProtocolError('STOMP_ERR_UNKNOWN_DESTINATION', `No ${decorator} handler for '${destination}' (mapped destination '${lookup}')`);
    }
    return match;
  }

  /** Settles once the handler ran and its reply was routed (or its failure reported). */
  async invoke({ handler, variables }: HandlerMatch, call: HandlerCall): Promise<void> {
    const command = handler.kind === 'message' ? 'SEND' : 'SUBSCRIBE';
    const context = new StompContext(command, call.destination, call.lookup, call.headers, call.body, variables, call.session);
    let payload: unknown;
    try {
      payload = command === 'SEND' ? this.converter.fromMessage(call.headers['content-type'], call.body, call.destination) : undefined;
    } catch (error) {
      return this.errors.handle(error, handler, context, false);
    }
    let result: unknown;
    const started = performance.now();
    try {
      result = await handler.invoke(payload, context);
    } catch (error) {
      return this.errors.handle(error, handler, context, true);
    } finally {
      // The handler's own time (its enhancers included), labelled by its mapping's pattern.
      this.counters.handlerCalled(handler.pattern.pattern, (performance.now() - started) / 1000);
    }
    try {
      await this.results.route(result, handler, handler.kind, context);
    } catch (error) {
      // The reply could not be sent (a refused destination, a broker that is away): the sender hears of it.
      return this.errors.handle(error, handler, context, false);
    }
  }
}
