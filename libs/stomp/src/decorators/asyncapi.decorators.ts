import { SetMetadata } from '@nestjs/common';
import {
  ASYNCAPI_PAYLOAD_METADATA,
  ASYNCAPI_REPLY_METADATA,
  STOMP_PUBLISHES_METADATA,
  type StompMessageDoc,
  type StompPublication,
} from '../handlers/handler-metadata.js';

/**
 * Describes, in the AsyncAPI document, the payload a `@MessageMapping` handler receives: its
 * schema where the declared parameter type cannot say (an interface, a union, `Buffer`), a
 * description, examples. A class parameter with class-validator decorators needs none of it.
 */
export const AsyncApiPayload = (doc: StompMessageDoc): MethodDecorator => SetMetadata(ASYNCAPI_PAYLOAD_METADATA, doc);

/**
 * Describes, in the AsyncAPI document, what a handler replies (to its `@SendTo`/`@SendToUser` or
 * default destination, or to the subscriber): needed when the method returns an interface, a
 * `Promise` or an `Observable`, whose value TypeScript does not record.
 */
export const AsyncApiReply = (doc: StompMessageDoc): MethodDecorator => SetMetadata(ASYNCAPI_REPLY_METADATA, doc);

/**
 * Declares, for the AsyncAPI document, a broker destination this class or method sends to through
 * `SimpMessagingTemplate` (no handler returns it, so nothing else shows it):
 * `@StompPublishes('/topic/presence', { type: [String] })`. Repeatable; `{var}` placeholders
 * become channel parameters, and a user destination is written `/user/queue/x`.
 */
export function StompPublishes(destination: string, payload: Function | StompMessageDoc = {}): ClassDecorator & MethodDecorator {
  const doc: StompMessageDoc = typeof payload === 'function' ? { type: payload } : payload;
  const publication: StompPublication = { ...doc, destination };
  return (target: object, key?: string | symbol, descriptor?: PropertyDescriptor) => {
    const holder = descriptor ? (descriptor.value as object) : target;
    const declared = (Reflect.getMetadata(STOMP_PUBLISHES_METADATA, holder) as StompPublication[] | undefined) ?? [];
    Reflect.defineMetadata(STOMP_PUBLISHES_METADATA, [...declared, publication], holder);
  };
}
