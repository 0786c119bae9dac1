import { SetMetadata } from '@nestjs/common';
import { MESSAGE_MAPPING_METADATA } from '../handlers/handler-metadata.js';

/**
 * Maps SEND frames to application destinations onto a method (Spring's `@MessageMapping`). On a
 * class, it prefixes the destinations of its methods. Destinations are given without the
 * application prefix: `@MessageMapping('/chat.send')` receives `/app/chat.send`. Ant patterns
 * (`*`, `**`) and `{var}` templates are allowed. With no argument, a class adds no prefix.
 *
 * @example
 * @Controller()
 * export class ChatController {
 *   @MessageMapping('/chat.send')
 *   @SendTo('/topic/messages')
 *   send(message: ChatMessage) { return message; }
 * }
 */
export const MessageMapping = (...destinations: string[]): ClassDecorator & MethodDecorator =>
  SetMetadata(MESSAGE_MAPPING_METADATA, destinations.length > 0 ? destinations : ['']);
