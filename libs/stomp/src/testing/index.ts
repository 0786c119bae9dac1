// nest-stomp/testing: a STOMP client for the tests of an application's handlers. The main entry
// does not import it; it uses only what the library publishes there, and the codec.
export { StompTestClient, createStompTestClient, type StompTestConnection, type StompTestClose } from './stomp-test-client.js';
export type { StompTestSubscription } from './stomp-test-subscription.js';
export type { StompTestMessage } from './stomp-test-message.js';
export type { StompTestTarget } from './endpoint-url.js';
export type { StompTestPayload } from './outgoing-payload.js';
export type { StompTestClientOptions, StompTestConnectOptions, StompTestHeaders } from './stomp-test-client.options.js';
export * from './errors/index.js';
