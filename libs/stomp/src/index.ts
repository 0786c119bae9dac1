export { StompModule } from './stomp.module.js';
export type {
  StompModuleOptions,
  StompEndpointOptions,
  StompSockJsOptions,
} from './stomp.options.js';
export { STOMP_DEFAULTS } from './stomp.options.js';
export { STOMP_BROKER, STOMP_CONTEXT_TYPE } from './stomp.constants.js';
export { MessageMapping } from './decorators/message-mapping.decorator.js';
export { SendTo } from './decorators/send-to.decorator.js';
export { SimpMessagingTemplate } from './messaging/simp-messaging-template.js';
export { StompContext } from './handlers/stomp-context.js';
export { StompEvents } from './events/stomp-events.js';
export type { StompEvent, StompEventType, DisconnectReason } from './events/stomp-event.js';
export { StompSessionRegistry } from './session/stomp-session.registry.js';
export type { StompSession } from './session/stomp-session.js';
export type { MessageBroker, BrokerMessage, BrokerSubscriber } from './broker/message-broker.js';
export { SimpleBroker } from './broker/simple-broker.js';
export type { StompVersion } from './protocol/stomp-version.js';
export type { StompHeaders } from './protocol/stomp-frame.js';
export * from './errors/index.js';
