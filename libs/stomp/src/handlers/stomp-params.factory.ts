import type { ParamsFactory } from '@nestjs/core/helpers/external-context-creator.js';
import { StompParamtype } from './stomp-paramtype.js';

/** Resolves `@Payload()` (and the implicit payload) from the handler arguments `[payload, context]`. */
export class StompParamsFactory implements ParamsFactory {
  exchangeKeyForValue(type: number, data: unknown, args: unknown[]): unknown {
    if (type !== StompParamtype.PAYLOAD) return undefined;
    const payload = args[0];
    if (typeof data !== 'string' || !data) return payload;
    return payload !== null && typeof payload === 'object' ? (payload as Record<string, unknown>)[data] : undefined;
  }
}
