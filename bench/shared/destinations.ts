/**
 * The destinations every server under test serves, so that one generator drives them all.
 * They mirror the bench controller of the nest-stomp server: the chat app's `/chat.send` →
 * `/topic/messages`, and `/echo/{id}` → `/topic/reply/{id}` for per-pair traffic.
 */
export const CHAT_SEND = '/app/chat.send';
export const CHAT_TOPIC = '/topic/messages';

const ECHO_PREFIX = '/app/echo/';
const REPLY_PREFIX = '/topic/reply/';

export function echoDestination(id: string): string {
  return `${ECHO_PREFIX}${id}`;
}

export function replyDestination(id: string): string {
  return `${REPLY_PREFIX}${id}`;
}

export function idleDestination(index: number): string {
  return `/topic/idle/${index}`;
}

/** Where the baselines' one "handler" sends its reply to a SEND: the Nest controller's @SendTo. */
export function replyDestinationFor(sendDestination: string): string | undefined {
  if (sendDestination === CHAT_SEND) return CHAT_TOPIC;
  if (sendDestination.startsWith(ECHO_PREFIX)) return replyDestination(sendDestination.slice(ECHO_PREFIX.length));
  return undefined;
}

/**
 * Scenario (e)'s topic, on RabbitMQ: `/topic/x` is the `amq.topic` exchange with routing key `x`,
 * and RabbitMQ refuses `/` inside it, so the name uses dots. The publisher SENDs to it directly
 * (there is no handler between a client and RabbitMQ Web-STOMP).
 */
export const RELAY_TOPIC = '/topic/bench.fanout';
