import { Controller } from '@nestjs/common';
import { MessageMapping, SendTo } from 'nest-stomp';
import type { ChatMessage } from './chat-message.js';

@Controller()
export class ChatController {
  /** A SEND to `/app/chat.send` is broadcast to every subscriber of `/topic/messages`. */
  @MessageMapping('/chat.send')
  @SendTo('/topic/messages')
  send(message: ChatMessage): ChatMessage {
    return message;
  }
}
