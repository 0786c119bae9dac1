import type { PipeTransform, Type } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { assignMetadata } from '@nestjs/common';
import { StompParamtype } from '../handlers/stomp-paramtype.js';

/**
 * The message body converted by its content type (Spring's `@Payload`), optionally one property of
 * it, through pipes: `@Payload(new ValidationPipe()) message: ChatMessageDto`. Without any
 * parameter decorator, the first parameter is the payload.
 */
export function Payload(...pipes: Array<Type<PipeTransform> | PipeTransform>): ParameterDecorator;
export function Payload(property: string, ...pipes: Array<Type<PipeTransform> | PipeTransform>): ParameterDecorator;
export function Payload(propertyOrPipe?: string | Type<PipeTransform> | PipeTransform, ...pipes: Array<Type<PipeTransform> | PipeTransform>): ParameterDecorator {
  const property = typeof propertyOrPipe === 'string' ? propertyOrPipe : undefined;
  const allPipes = typeof propertyOrPipe === 'string' || propertyOrPipe === undefined ? pipes : [propertyOrPipe, ...pipes];
  return (target, key, index) => {
    if (key === undefined) return;
    const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, target.constructor, key) as Record<string, unknown> | undefined) ?? {};
    Reflect.defineMetadata(
      ROUTE_ARGS_METADATA,
      assignMetadata(args as never, StompParamtype.PAYLOAD, index, property, ...allPipes),
      target.constructor,
      key,
    );
  };
}
