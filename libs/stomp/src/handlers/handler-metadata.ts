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
