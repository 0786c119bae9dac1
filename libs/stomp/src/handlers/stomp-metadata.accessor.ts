import { Injectable } from '@nestjs/common';
import { HEADERS_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { Reflector } from '@nestjs/core';
import { StompMappingError } from '../errors/stomp-mapping.error.js';
import type { StompEventType } from '../events/stomp-event.js';
import {
  ASYNCAPI_PAYLOAD_METADATA,
  ASYNCAPI_REPLY_METADATA,
  MESSAGE_EXCEPTION_HANDLER_METADATA,
  MESSAGE_MAPPING_METADATA,
  ON_STOMP_EVENT_METADATA,
  SEND_TO_METADATA,
  SEND_TO_USER_METADATA,
  STOMP_PUBLISHES_METADATA,
  SUBSCRIBE_MAPPING_METADATA,
  type SendToUserMetadata,
  type StompPublication,
} from './handler-metadata.js';
import type { HandlerSignature } from './message-handler.js';
import { StompParamtype } from './stomp-paramtype.js';

export type MappingKind = 'message' | 'subscribe';

const MAPPING_METADATA: Readonly<Record<MappingKind, string>> = { message: MESSAGE_MAPPING_METADATA, subscribe: SUBSCRIBE_MAPPING_METADATA };

/**
 * Parameter decorators of HTTP routes (`@nestjs/common`) and gateways (`@nestjs/websockets`), by
 * the paramtype they record, and what a STOMP handler uses instead. STOMP handlers never fill them:
 * the parameter would silently be `undefined`. (`@Body()` and `@MessageBody()` record the payload's
 * own paramtype and work as `@Payload()`.)
 */
const FOREIGN_PARAMETERS: Readonly<Record<number, { readonly name: string; readonly use: string }>> = {
  0: { name: '@Req()/@Request() or @ConnectedSocket()', use: '@Message() (the whole message with its session)' },
  1: { name: '@Res()/@Response()', use: 'a return value (routed by @SendTo/@SendToUser)' },
  4: { name: '@Query()', use: "@Header() or @Headers() from 'nest-stomp'" },
  5: { name: '@Param()', use: "@DestinationVariable() from 'nest-stomp'" },
  6: { name: '@Headers()', use: "@Headers() or @Header() from 'nest-stomp'" },
};

/** Reads the decorators' metadata, in one place, as @nestjs/schedule's and @nestjs/bullmq's accessors do. */
@Injectable()
export class StompMetadataAccessor {
  constructor(private readonly reflector: Reflector) {}

  /** Whether a method carries any STOMP mapping or event listener. */
  isStompMethod(method: Function): boolean {
    return [MESSAGE_MAPPING_METADATA, SUBSCRIBE_MAPPING_METADATA, ON_STOMP_EVENT_METADATA].some((key) => this.reflector.get(key, method) !== undefined);
  }

  /** `@MessageMapping`/`@SubscribeMapping` destinations of a method or class; `undefined` when absent. */
  mappings(kind: MappingKind, target: Function): readonly string[] | undefined {
    return this.reflector.get<string[] | undefined>(MAPPING_METADATA[kind], target);
  }

  sendTo(target: Function): readonly string[] | undefined {
    return this.reflector.get<string[] | undefined>(SEND_TO_METADATA, target);
  }

  sendToUser(target: Function): SendToUserMetadata | undefined {
    return this.reflector.get<SendToUserMetadata | undefined>(SEND_TO_USER_METADATA, target);
  }

  /** `@MessageExceptionHandler` error types (`[]`: any error); `undefined` when absent. */
  exceptionTypes(method: Function): readonly Function[] | undefined {
    return this.reflector.get<Function[] | undefined>(MESSAGE_EXCEPTION_HANDLER_METADATA, method);
  }

  eventTypes(method: Function): readonly StompEventType[] | undefined {
    return this.reflector.get<StompEventType[] | undefined>(ON_STOMP_EVENT_METADATA, method);
  }

  /** `@StompPublishes` declarations of a class or method; `[]` when absent. */
  publications(target: Function): readonly StompPublication[] {
    return this.reflector.get<StompPublication[] | undefined>(STOMP_PUBLISHES_METADATA, target) ?? [];
  }

  /**
   * The declared payload and return types and the documentation decorators of a handler, for the
   * AsyncAPI document. Read after the implicit parameters were declared, so an undecorated payload
   * parameter is found too.
   */
  signature(classRef: Function, methodName: string, method: Function): HandlerSignature {
    const prototype = classRef.prototype as object;
    const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, classRef, methodName) as Record<string, { index: number; data?: unknown }> | undefined) ?? {};
    const payload = Object.entries(args).find(([key]) => key.split(':')[0] === String(StompParamtype.PAYLOAD))?.[1];
    const paramTypes = Reflect.getMetadata('design:paramtypes', prototype, methodName) as (Function | undefined)[] | undefined;
    // TypeScript records `void` as `undefined`; an absent key means no type information at all.
    const hasReturnType = Reflect.hasMetadata('design:returntype', prototype, methodName);
    const returnType = Reflect.getMetadata('design:returntype', prototype, methodName) as Function | undefined;
    return {
      payloadIndex: payload?.index,
      payloadType: payload ? paramTypes?.[payload.index] : undefined,
      payloadProperty: typeof payload?.data === 'string' ? payload.data : undefined,
      returnType: hasReturnType ? (returnType ?? 'void') : undefined,
      payloadDoc: this.reflector.get(ASYNCAPI_PAYLOAD_METADATA, method),
      replyDoc: this.reflector.get(ASYNCAPI_REPLY_METADATA, method),
    };
  }

  /**
   * Refuses a handler whose parameters carry HTTP or gateway parameter decorators (an IDE's
   * auto-import of `@nestjs/common`'s `Headers` looks right and injects `undefined`), or whose
   * method carries `@Header()`, which sets HTTP response headers.
   */
  checkParameters(classRef: Function, methodName: string, method: Function): void {
    const handler = `${classRef.name}.${methodName}`;
    if (this.reflector.get(HEADERS_METADATA, method) !== undefined) {
      throw StompMappingError.foreignDecorator(
        handler,
        "@Header() from '@nestjs/common'",
        "@Header('name') from 'nest-stomp' on a parameter to read a header of the frame",
        'which sets HTTP response headers and does nothing for a STOMP message',
      );
    }
    const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, classRef, methodName) as Record<string, { index: number }> | undefined) ?? {};
    for (const [key, { index }] of Object.entries(args)) {
      const [type] = key.split(':');
      if (!/^\d+$/.test(type!) || Number(type) === StompParamtype.PAYLOAD) continue;
      const foreign = FOREIGN_PARAMETERS[Number(type)];
      throw StompMappingError.foreignDecorator(
        `${handler} (parameter ${index})`,
        foreign ? `${foreign.name} from '@nestjs/common' or '@nestjs/websockets'` : `an HTTP or gateway parameter decorator (paramtype ${type})`,
        foreign?.use ?? "the parameter decorators of 'nest-stomp'",
      );
    }
  }
}
