import { assignMetadata } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { Message } from './message-parameter.js';
import { StompContext } from './stomp-context.js';
import { StompParamtype } from './stomp-paramtype.js';

/**
 * Gives every undecorated parameter of a handler its meaning, as Spring does: one typed
 * `StompContext` receives the context, the first other one the payload. Recording that as
 * parameter metadata lets pipes (a global `ValidationPipe` too) see the implicit payload.
 */
export function declareImplicitParameters(prototype: object, methodName: string): void {
  const method = (prototype as Record<string, Function>)[methodName]!;
  const types = (Reflect.getMetadata('design:paramtypes', prototype, methodName) as unknown[] | undefined) ?? [];
  const count = Math.max(types.length, method.length);
  const declared = (Reflect.getMetadata(ROUTE_ARGS_METADATA, prototype.constructor, methodName) as Record<string, { index: number }> | undefined) ?? {};
  const taken = new Set(Object.values(declared).map((param) => param.index));
  let hasPayload = Object.keys(declared).some((key) => key.split(':')[0] === String(StompParamtype.PAYLOAD));

  for (let index = 0; index < count; index++) {
    if (taken.has(index)) continue;
    // With no type information, the second parameter is the context, as in (payload, context).
    const isContext = types[index] === StompContext || (types.length === 0 && index === 1);
    if (isContext) {
      Message()(prototype, methodName, index);
    } else if (!hasPayload) {
      const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, prototype.constructor, methodName) as Record<string, unknown> | undefined) ?? {};
      Reflect.defineMetadata(ROUTE_ARGS_METADATA, assignMetadata(args as never, StompParamtype.PAYLOAD, index), prototype.constructor, methodName);
      hasPayload = true;
    }
  }
}
