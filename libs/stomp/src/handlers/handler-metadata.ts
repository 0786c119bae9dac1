/** Reflect-metadata keys the decorators write and the explorer reads (through StompMetadataAccessor). */
export const MESSAGE_MAPPING_METADATA = 'nest-stomp:message-mapping';
export const SUBSCRIBE_MAPPING_METADATA = 'nest-stomp:subscribe-mapping';
export const SEND_TO_METADATA = 'nest-stomp:send-to';
export const SEND_TO_USER_METADATA = 'nest-stomp:send-to-user';
export const MESSAGE_EXCEPTION_HANDLER_METADATA = 'nest-stomp:message-exception-handler';
export const ON_STOMP_EVENT_METADATA = 'nest-stomp:on-event';

/** What `@SendToUser` records. */
export interface SendToUserMetadata {
  readonly destinations: readonly string[];
  readonly broadcast: boolean;
}

/** Documentation decorators' keys (`@AsyncApiPayload`, `@AsyncApiReply`, `@StompPublishes`). */
export const ASYNCAPI_PAYLOAD_METADATA = 'nest-stomp:asyncapi-payload';
export const ASYNCAPI_REPLY_METADATA = 'nest-stomp:asyncapi-reply';
export const STOMP_PUBLISHES_METADATA = 'nest-stomp:publishes';

/**
 * What the AsyncAPI document says of one message, where reflection cannot see it (an interface,
 * a union, a `Promise`'s value, a `Buffer`) or to describe it.
 */
export interface StompMessageDoc {
  /** The payload's class, or `[Class]` for a list of them. */
  readonly type?: Function | readonly [Function];
  /** A JSON Schema of the payload, used as given (wins over `type` and the declared type). */
  readonly schema?: Readonly<Record<string, unknown>>;
  /** The message's name in the document. Default the class name, else one made from the handler's. */
  readonly name?: string;
  readonly description?: string;
  /** Example payloads. */
  readonly examples?: readonly unknown[];
  /** Default `application/json;charset=UTF-8` (`application/octet-stream` for `Buffer`, `text/plain;charset=UTF-8` for `String`). */
  readonly contentType?: string;
}

/** A broker destination the application sends to on its own (`SimpMessagingTemplate`), for the document. */
export interface StompPublication extends StompMessageDoc {
  /** `/topic/presence`; a user destination is written `/user/queue/x`. `{var}`s become channel parameters. */
  readonly destination: string;
}
