export { StompError } from './stomp.error.js';
export { StompProtocolError, type StompProtocolErrorCode } from './stomp-protocol.error.js';
export { StompEncodingError } from './stomp-encoding.error.js';
export { StompConfigurationError } from './stomp-configuration.error.js';
export { StompDestinationError } from './stomp-destination.error.js';
export { StompMappingError } from './stomp-mapping.error.js';
export { StompMessageConversionError } from './stomp-message-conversion.error.js';
export { StompBrokerUnavailableError } from './stomp-broker-unavailable.error.js';
export { StompClientGenerationError } from './stomp-client-generation.error.js';
