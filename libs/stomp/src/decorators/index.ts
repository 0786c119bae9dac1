export { MessageMapping } from './message-mapping.decorator.js';
export { SubscribeMapping } from './subscribe-mapping.decorator.js';
export { SendTo } from './send-to.decorator.js';
export { SendToUser, type SendToUserOptions } from './send-to-user.decorator.js';
export { MessageExceptionHandler } from './message-exception-handler.decorator.js';
export { OnStompEvent } from './on-stomp-event.decorator.js';
export { Payload } from './payload.decorator.js';
export { Header, Headers, DestinationVariable, Principal, SessionId, SessionAttributes, Message } from './stomp-param.decorators.js';
export { AsyncApiPayload, AsyncApiReply, StompPublishes } from './asyncapi.decorators.js';
