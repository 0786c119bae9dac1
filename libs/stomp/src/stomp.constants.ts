export const MESSAGE_MAPPING_METADATA = 'nest-stomp:message-mapping';
export const SEND_TO_METADATA = 'nest-stomp:send-to';
/** Injection token of the active `MessageBroker`. */
export const STOMP_BROKER = Symbol('STOMP_BROKER');
/** Injection token of the options after defaults were applied. */
export const RESOLVED_STOMP_OPTIONS = Symbol('RESOLVED_STOMP_OPTIONS');
/** `ExecutionContext.getType()` of STOMP handlers, for guards, interceptors and filters. */
export const STOMP_CONTEXT_TYPE = 'stomp';
