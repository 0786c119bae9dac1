import { EXCEPTION_FILTERS_METADATA, GUARDS_METADATA, INTERCEPTORS_METADATA, PIPES_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import type { ApplicationConfig } from '@nestjs/core';
import { ExternalExceptionsHandler } from '@nestjs/core/exceptions/external-exceptions-handler.js';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import { isObservable, lastValueFrom } from 'rxjs';
import type { MessageHandler } from './message-handler.js';
import { STOMP_CONTEXT_TYPE, type StompContext } from './stomp-context.js';

/** A parameter as Nest's `ExternalContextCreator.getMetadata(...).getParamsMetadata()` describes it. */
export interface HandlerParameter {
  readonly index: number;
  readonly extractValue: (...args: unknown[]) => unknown;
  readonly pipes: readonly unknown[];
}

type Method = (...args: unknown[]) => unknown;

/**
 * Whether Nest would wrap the handler in nothing at all: no guard, pipe, interceptor or exception
 * filter, global (`app.useGlobal*`, `APP_*` providers, request-scoped ones included), on its class
 * or on its method, and no pipe on a parameter. Read from the raw metadata, before Nest resolves
 * it, so an enhancer Nest might drop still counts. Nest reads the same sources once, when it wraps
 * the handler at start-up, which is when this is asked too.
 */
export function hasNoEnhancers(config: ApplicationConfig, metatype: Function, method: Function, methodName: string, parameters: readonly HandlerParameter[]): boolean {
  const global = [
    config.getGlobalGuards(),
    config.getGlobalPipes(),
    config.getGlobalInterceptors(),
    config.getGlobalFilters(),
    config.getGlobalRequestGuards(),
    config.getGlobalRequestPipes(),
    config.getGlobalRequestInterceptors(),
    config.getGlobalRequestFilters(),
  ];
  if (global.some((list) => list.length > 0)) return false;
  for (const key of [GUARDS_METADATA, PIPES_METADATA, INTERCEPTORS_METADATA, EXCEPTION_FILTERS_METADATA]) {
    if (isPresent(Reflect.getMetadata(key, metatype)) || isPresent(Reflect.getMetadata(key, method))) return false;
  }
  const declared = (Reflect.getMetadata(ROUTE_ARGS_METADATA, metatype, methodName) ?? {}) as Record<string, { pipes?: readonly unknown[] }>;
  if (Object.values(declared).some((param) => isPresent(param.pipes))) return false;
  return parameters.every((param) => param.pipes.length === 0);
}

/**
 * Calls a handler that {@link hasNoEnhancers} as Nest's wrapper would, without its machinery: for
 * a handler without enhancers that wrapper still allocates a dozen promises and closures per call
 * (the guards step, the pipes step with one `Promise.all` over the parameters, the interceptors
 * step, the result step, the exception proxy), the largest share of the handler path's garbage.
 * Same semantics: parameters extracted in order (a promised value awaited), an Observable's last
 * value, and a failure logged by Nest's `ExceptionsHandler` and rethrown, as without a filter
 * (thrown at once when the handler threw, a rejection when its promise or Observable failed).
 */
export function createDirectInvoker(instance: object, method: Method, argsLength: number, parameters: readonly HandlerParameter[]): MessageHandler['invoke'] {
  const exceptions = new ExternalExceptionsHandler();
  const call = parameters.length === 0 ? (args: unknown[]) => method.apply(instance, args) : (args: unknown[]) => callWithParameters(instance, method, argsLength, parameters, args);
  const failed = (error: unknown, args: unknown[]): unknown => {
    const host = new ExecutionContextHost(args);
    host.setType(STOMP_CONTEXT_TYPE);
    return exceptions.next(error as Error, host);
  };
  // A plain return value is returned as it is, without a promise: the whole path stays synchronous
  // when the handler is; a promise, thenable or Observable becomes one promise of its value.
  return (payload: unknown, context: StompContext): unknown => {
    const args = [payload, context];
    let result: unknown;
    try {
      result = call(args);
    } catch (error) {
      return failed(error, args);
    }
    if (isObservable(result)) return lastValueFrom(result).catch((error: unknown) => failed(error, args));
    if (isThenable(result)) return Promise.resolve(result).catch((error: unknown) => failed(error, args));
    return result;
  };
}

/** Nest's pipes step without pipes: every extractor runs, in order, even after one threw; the first failure wins. */
function callWithParameters(instance: object, method: Method, argsLength: number, parameters: readonly HandlerParameter[], args: unknown[]): unknown {
  const values: unknown[] = new Array(argsLength).fill(undefined);
  let pending: Promise<void>[] | undefined;
  let failure: { readonly error: unknown } | undefined;
  for (const param of parameters) {
    let value: unknown;
    try {
      value = param.extractValue(...args);
    } catch (error) {
      failure ??= { error };
      continue;
    }
    if (isThenable(value)) (pending ??= []).push(Promise.resolve(value).then((resolved) => void (values[param.index] = resolved)));
    else values[param.index] = value;
  }
  if (failure) {
    // Nest's Promise.all would have observed these too: a later rejection is not unhandled.
    for (const promise of pending ?? []) promise.catch(() => undefined);
    throw failure.error;
  }
  if (!pending) return method.apply(instance, values);
  return Promise.all(pending).then(() => method.apply(instance, values));
}

function isPresent(list: unknown): boolean {
  return Array.isArray(list) ? list.length > 0 : list !== undefined && list !== null;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as { then?: unknown }).then === 'function';
}
