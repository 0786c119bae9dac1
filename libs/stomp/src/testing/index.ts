// nest-stomp/testing: a STOMP client for the tests of an application's handlers. A stage above the
// module (layers.cjs): the main entry never imports it, and it reads the library's own codec and the
// application's resolved endpoints.
export { StompTestClient, createStompTestClient, type StompTestConnection, type StompTestClose } from './stomp-test-client.js';
export type { StompTestSubscription } from './stomp-test-subscription.js';
export type { StompTestMessage } from './stomp-test-message.js';
export type { StompTestTarget } from './endpoint-url.js';
export type { StompTestPayload } from './outgoing-payload.js';
export type { StompTestClientOptions, StompTestConnectOptions, StompTestHeaders } from './stomp-test-client.options.js';
export * from './errors/index.js';
