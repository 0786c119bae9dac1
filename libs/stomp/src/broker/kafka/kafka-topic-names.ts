import { StompProtocolError } from '../../errors/stomp-protocol.error.js';
import { truncate } from '../../util/truncate.js';

/** Kafka refuses longer topic names. */
const MAX_TOPIC_LENGTH = 249;
const PLAIN = /[A-Za-z0-9]/;
const ESCAPE = /-([0-9A-F]{2})/g;

/**
 * The topic of a broker destination: `prefix`, then the destination with `/` written `.`, letters and
 * digits kept, and every other UTF-8 byte written `-` and two upper-case hex digits (`.` is `-2E`,
 * `-` is `-2D`). Reversible ({@link destinationOfTopic}), and never uses `_`: Kafka refuses a topic
 * whose name differs from another's only by `.` against `_`. `/topic/chat.general` with prefix
 * `nest-stomp` is `nest-stomp.topic.chat-2Egeneral`.
 */
export function topicOfDestination(prefix: string, destination: string): string {
  let name = prefix;
  for (const char of destination) {
    if (char === '/') name += '.';
    else if (PLAIN.test(char)) name += char;
    else for (const byte of Buffer.from(char, 'utf8')) name += `-${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  if (name.length > MAX_TOPIC_LENGTH) {
    throw new StompProtocolError(
      'STOMP_ERR_UNKNOWN_DESTINATION',
      `Destination '${truncate(destination)}' is too long for Kafka: its topic name would have ${name.length} characters, Kafka takes at most ${MAX_TOPIC_LENGTH}`,
    );
  }
  return name;
}

/** The destination whose topic `topic` is, or `undefined` when it is not one of `prefix`'s. */
export function destinationOfTopic(prefix: string, topic: string): string | undefined {
  if (!topic.startsWith(prefix)) return undefined;
  const encoded = topic.slice(prefix.length);
  if (/-(?![0-9A-F]{2})|_/.test(encoded)) return undefined;
  const bytes = encoded.replaceAll('.', '/').replace(ESCAPE, (_, hex: string) => `%${hex}`);
  try {
    return decodeURIComponent(bytes);
  } catch {
    return undefined;
  }
}

/** The topic of the instances' server-to-server messages: `-c` is never produced by {@link topicOfDestination}. */
export function clusterTopic(prefix: string): string {
  return `${prefix}-cluster`;
}
