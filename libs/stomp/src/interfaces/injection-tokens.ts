/** Injection token of the active `MessageBroker`. */
export const STOMP_BROKER = Symbol('STOMP_BROKER');
/**
 * Injection token of the options after defaults were applied. Each stage injects it typed as the
 * settings it declares itself (a `Pick` of what it reads), never as the module's options type.
 */
export const STOMP_SETTINGS = Symbol('STOMP_SETTINGS');
