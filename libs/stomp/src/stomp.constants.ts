export const MESSAGE_MAPPING_METADATA = 'nest-stomp:message-mapping';
export const SUBSCRIBE_MAPPING_METADATA = 'nest-stomp:subscribe-mapping';
export const SEND_TO_METADATA = 'nest-stomp:send-to';
export const SEND_TO_USER_METADATA = 'nest-stomp:send-to-user';
export const MESSAGE_EXCEPTION_HANDLER_METADATA = 'nest-stomp:message-exception-handler';
export const ON_STOMP_EVENT_METADATA = 'nest-stomp:on-event';
/** Injection token of the active `MessageBroker`. */
export const STOMP_BROKER = Symbol('STOMP_BROKER');
/** Injection token of the options after defaults were applied. */
export const RESOLVED_STOMP_OPTIONS = Symbol('RESOLVED_STOMP_OPTIONS');
/** `ExecutionContext.getType()` of STOMP handlers, for guards, interceptors and filters. */
export const STOMP_CONTEXT_TYPE = 'stomp';
