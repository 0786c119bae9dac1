import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { StompContext } from '../handlers/stomp-context.js';

function contextOf(ctx: ExecutionContext): StompContext {
  return ctx.getArgByIndex<StompContext>(1);
}

/** One header of the frame (Spring's `@Header("name")`), or `undefined`. */
export const Header = createParamDecorator((name: string, ctx: ExecutionContext) => contextOf(ctx).headers[name]);

/** All headers of the frame (Spring's `@Headers`). */
export const Headers = createParamDecorator((_: unknown, ctx: ExecutionContext) => contextOf(ctx).headers);

/** A `{var}` of the matched mapping (Spring's `@DestinationVariable`): `@MessageMapping('/room.{roomId}')`. */
export const DestinationVariable = createParamDecorator((name: string, ctx: ExecutionContext) => contextOf(ctx).variables[name]);

/** The session's principal (Spring's `Principal` argument), or `undefined` when anonymous. */
export const Principal = createParamDecorator((_: unknown, ctx: ExecutionContext) => contextOf(ctx).session.principal);

/** The session id (Spring's `@Header("simpSessionId")`). */
export const SessionId = createParamDecorator((_: unknown, ctx: ExecutionContext) => contextOf(ctx).session.id);

/** The session's attributes, a `Map` kept for the session's lifetime (Spring's `simpSessionAttributes`). */
export const SessionAttributes = createParamDecorator((_: unknown, ctx: ExecutionContext) => contextOf(ctx).session.attributes);

export { Message } from '../handlers/message-parameter.js';
