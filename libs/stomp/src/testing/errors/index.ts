export { StompServerError } from './stomp-server.error.js';
export { StompExpectationError } from './stomp-expectation.error.js';
export { StompConnectionClosedError } from './stomp-connection-closed.error.js';
