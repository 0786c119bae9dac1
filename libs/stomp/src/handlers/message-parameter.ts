import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { StompContext } from './stomp-context.js';

/**
 * The whole message with its context: destination, headers, raw body, variables and session. Here,
 * beside the handlers, because an undecorated `StompContext` parameter is given it implicitly.
 */
export const Message = createParamDecorator((_: unknown, ctx: ExecutionContext) => ctx.getArgByIndex<StompContext>(1));
