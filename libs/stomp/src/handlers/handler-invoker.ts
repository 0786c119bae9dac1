import { performance } from 'node:perf_hooks';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { StompDestinationError } from '../errors/stomp-destination.error.js';
import { StompProtocolError } from '../errors/stomp-protocol.error.js';
import { STOMP_SETTINGS } from '../interfaces/injection-tokens.js';
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

/** What the invoker reads of the options. */
export interface HandlerInvokerSettings {
  readonly unmappedDestinations: 'report' | 'error';
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
    @Inject(STOMP_SETTINGS) private readonly settings: HandlerInvokerSettings,
    @Optional() private readonly counters: StompCounters = new StompCounters(),
  ) {}

  /**
   * Runs the handler mapped to the call's destination. When none maps it: reported to the sender
   * (`unmappedDestinations: 'report'`, settling once told), or thrown as the client's ERROR ('error').
   * Settles at once (no promise) when the handler and its reply's publish were synchronous.
   */
  dispatch(kind: MessageHandler['kind'], call: HandlerCall): void | Promise<void> {
    const match = this.handlers.find(kind, call.lookup);
    if (match) return this.invoke(match, call);
    const unmapped = StompDestinationError.unmapped(kind === 'message' ? 'SEND' : 'SUBSCRIBE', call.destination, call.lookup);
    if (this.settings.unmappedDestinations === 'error') throw fatal(unmapped);
    return this.errors.reportUnmapped(unmapped, call.destination, call.session.id);
  }

  /** For a SEND held in a transaction: throws now what `dispatch` would throw at COMMIT. */
  checkMapped(kind: MessageHandler['kind'], destination: string, lookup: string): void {
    if (this.settings.unmappedDestinations === 'report' || this.handlers.find(kind, lookup)) return;
    throw fatal(StompDestinationError.unmapped(kind === 'message' ? 'SEND' : 'SUBSCRIBE', destination, lookup));
  }

  /**
   * Settles once the handler ran and its reply was routed (or its failure reported). Nothing here
   * is asynchronous unless the handler or the publish is: a promise per step would be the handler
   * path's largest garbage, and each `await` a turn of the microtask queue.
   */
  private invoke({ handler, variables }: HandlerMatch, call: HandlerCall): void | Promise<void> {
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
      result = handler.invoke(payload, context);
    } catch (error) {
      this.timed(handler, started);
      return this.errors.handle(error, handler, context, true);
    }
    if (isThenable(result)) {
      return Promise.resolve(result).then(
        (value) => {
          this.timed(handler, started);
          return this.routeResult(value, handler, context);
        },
        (error: unknown) => {
          this.timed(handler, started);
          return this.errors.handle(error, handler, context, true);
        },
      );
    }
    this.timed(handler, started);
    return this.routeResult(result, handler, context);
  }

  /** The handler's own time (its enhancers included), labelled by its mapping's pattern. */
  private timed(handler: MessageHandler, started: number): void {
    this.counters.handlerCalled(handler.pattern.pattern, (performance.now() - started) / 1000);
  }

  private routeResult(result: unknown, handler: MessageHandler, context: StompContext): void | Promise<void> {
    let routed: void | Promise<void>;
    try {
      routed = this.results.route(result, handler, handler.kind, context);
    } catch (error) {
      // The reply could not be sent (a refused destination, a broker that is away): the sender hears of it.
      return this.errors.handle(error, handler, context, false);
    }
    if (routed) return routed.catch((error: unknown) => this.errors.handle(error, handler, context, false));
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as { then?: unknown }).then === 'function';
}

/** `unmappedDestinations: 'error'`: the session's ERROR, in the words the report would use. */
function fatal(unmapped: StompDestinationError): StompProtocolError {
  return new StompProtocolError('STOMP_ERR_UNKNOWN_DESTINATION', unmapped.message);
}
