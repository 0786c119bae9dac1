import { StompLogger } from '../util/stomp-logger.js';
import { HttpException, Inject, Injectable, IntrinsicException } from '@nestjs/common';
import { StompError } from '../errors/stomp.error.js';
import { MessageConverter } from '../messaging/message-converter.js';
import { UserDestinations } from '../users/user-destinations.js';
import { STOMP_SETTINGS } from '../interfaces/injection-tokens.js';
import { HandlerResultRouter } from './handler-result.router.js';
import type { ExceptionHandlerMethod, MessageHandler } from './message-handler.js';
import type { StompContext } from './stomp-context.js';

/** What the sender of a failed message receives on its error destination (`/user/queue/errors`). */
export interface StompErrorReport {
  /** The destination of the message that failed. */
  readonly destination: string;
  /** The error's class name, e.g. `BadRequestException`. */
  readonly error: string;
  readonly message: string;
  /** Every message of an error that has several, such as a validation failure. */
  readonly details?: readonly string[];
}

/**
 * An error a handler left to Nest's exception filters and they did not handle: the handler's
 * `@MessageExceptionHandler` gets it, or else the sender is told on its error destination and the
 * error is logged. It is never only swallowed, as in Spring.
 */
@Injectable()
export class HandlerErrorHandler {
  private readonly logger = new StompLogger('StompModule');

  constructor(
    @Inject(STOMP_SETTINGS) private readonly options: { readonly errorDestination: string | false },
    private readonly results: HandlerResultRouter,
    private readonly converter: MessageConverter,
    private readonly userDestinations: UserDestinations,
  ) {}

  /** `loggedByNest`: the error came out of Nest's filter chain, which already logged its stack. */
  async handle(error: unknown, handler: MessageHandler, context: StompContext, loggedByNest: boolean): Promise<void> {
    const exceptionHandler = closestExceptionHandler(handler.exceptionHandlers, error);
    if (exceptionHandler) {
      try {
        const result = await exceptionHandler.invoke(error, context);
        await this.results.route(result, exceptionHandler, 'message', context);
        return;
      } catch (handlerError) {
        this.logger.error(`${exceptionHandler.name} failed while handling an error of ${handler.name}`, (handlerError as Error).stack);
        return this.report(handlerError, handler, context, false);
      }
    }
    return this.report(error, handler, context, loggedByNest);
  }

  private async report(error: unknown, handler: MessageHandler, context: StompContext, loggedByNest: boolean): Promise<void> {
    const report = describe(error, context.destination);
    const where = `${handler.name} failed on a ${context.command} to '${context.destination}' (session ${context.sessionId})`;
    if (isClientError(error)) this.logger.warn(`${where}: ${report.message}`);
    else if (loggedByNest && !(error instanceof IntrinsicException)) this.logger.error(`${where}: ${(error as Error).message}`);
    else this.logger.error(`${where}: ${error instanceof Error ? error.message : String(error)}`, error instanceof Error ? error.stack : undefined);

    await this.tell(context.sessionId, report);
  }

  /**
   * A client's frame to an application destination nothing maps (`unmappedDestinations: 'report'`):
   * the sender is told as of a failed handler. A client's typo, not the server's fault: debug only.
   */
  async reportUnmapped(error: StompError, destination: string, sessionId: string): Promise<void> {
    const told = this.options.errorDestination === false ? 'dropped (errorDestination is false)' : `reported on ${this.options.errorDestination}`;
    this.logger.debug(`${error.message}, from session ${sessionId}: ${told}`);
    await this.tell(sessionId, describe(error, destination));
  }

  private async tell(sessionId: string, report: StompErrorReport): Promise<void> {
    const errorDestination = this.options.errorDestination;
    if (errorDestination === false) return;
    const { body, contentType } = this.converter.toMessage(report);
    await this.userDestinations.sendToSession(sessionId, errorDestination, { headers: { 'content-type': contentType }, body });
  }
}

/**
 * The handler whose error type is nearest to the error's own class, as Spring chooses; one declared
 * for no type in particular comes last.
 */
function closestExceptionHandler(candidates: readonly ExceptionHandlerMethod[], error: unknown): ExceptionHandlerMethod | undefined {
  let best: ExceptionHandlerMethod | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance =
      candidate.errorTypes.length === 0 ? Number.MAX_SAFE_INTEGER : Math.min(...candidate.errorTypes.map((type) => inheritanceDistance(error, type)));
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best;
}

/** Prototype steps from the error to `type`; Infinity when it is not one. */
function inheritanceDistance(error: unknown, type: Function): number {
  if (!(error instanceof type)) return Infinity;
  let distance = 0;
  for (let proto = Object.getPrototypeOf(error) as object | null; proto && proto !== type.prototype; proto = Object.getPrototypeOf(proto) as object | null) distance++;
  return distance;
}

/** Errors meant for the client (HTTP-style exceptions, conversion errors): their text is sent as is. */
function isClientError(error: unknown): boolean {
  return (error instanceof HttpException && error.getStatus() < 500) || error instanceof StompError || hasClientErrorShape(error);
}

/** `WsException`/`RpcException` from other Nest packages, without depending on them. */
function hasClientErrorShape(error: unknown): error is Error & { getError(): unknown } {
  return error instanceof Error && typeof (error as { getError?: unknown }).getError === 'function';
}

function describe(error: unknown, destination: string): StompErrorReport {
  if (error instanceof HttpException) {
    const response = error.getResponse();
    const message = typeof response === 'object' && response !== null ? (response as { message?: unknown }).message : response;
    if (Array.isArray(message)) return { destination, error: error.name, message: message.join('; '), details: message.map(String) };
    return { destination, error: error.name, message: typeof message === 'string' ? message : error.message };
  }
  if (hasClientErrorShape(error)) {
    const inner = error.getError();
    const message = typeof inner === 'string' ? inner : ((inner as { message?: string } | null)?.message ?? error.message);
    return { destination, error: error.name, message };
  }
  if (error instanceof StompError) return { destination, error: error.name, message: error.message };
  // Anything else may carry internals (SQL, paths): the client learns that, and where, it failed.
  return { destination, error: 'InternalServerError', message: 'Internal server error' };
}
