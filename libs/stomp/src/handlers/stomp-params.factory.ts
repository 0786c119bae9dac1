import type { ParamsFactory } from '@nestjs/core/helpers/external-context-creator.js';
import { StompParamtype } from './stomp-paramtype.js';

/** Resolves `@Payload()` (and the implicit payload) from the handler arguments `[payload, context]`. */
export class StompParamsFactory implements ParamsFactory {
  exchangeKeyForValue(type: number, data: unknown, args: unknown[]): unknown {
    if (type !== StompParamtype.PAYLOAD) return undefined;
    const payload = args[0];
    if (typeof data === 'string' && data && payload !== null && typeof payload === 'object') {
      return (payload as Record<string, unknown>)[data];
    }
    return payload;
  }
}
