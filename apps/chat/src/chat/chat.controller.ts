import { Controller, ForbiddenException, NotFoundException } from '@nestjs/common';
import {
  AsyncApiReply,
  DestinationVariable,
  MessageMapping,
  Payload,
  Principal,
  SendTo,
  SendToUser,
  SimpMessagingTemplate,
  SimpUserRegistry,
  SubscribeMapping,
  type StompPrincipal,
} from 'nest-stomp';
import { ChatMessageDto, PrivateMessageDto, RoomMessageDto } from './chat-message.dto.js';
import { CHAT_MESSAGE_SCHEMA, PRIVATE_MESSAGE_SCHEMA, ROOM_LIST_SCHEMA, ROOM_MESSAGE_SCHEMA, USER_NAMES_SCHEMA } from './chat-message.schemas.js';
import { PresenceService } from './presence.service.js';
import { RoomsService, type Room } from './rooms.service.js';

export interface ChatMessage {
  sender: string;
  content: string;
}

export interface RoomMessage extends ChatMessage {
  room: string;
  /** When the server took it (ISO 8601): the page shows it, for history replayed later too. */
  sentAt: string;
}

export interface PrivateMessage {
  from: string;
  to: string;
  content: string;
}

@Controller()
export class ChatController {
  constructor(
    private readonly rooms: RoomsService,
    private readonly presence: PresenceService,
    private readonly users: SimpUserRegistry,
    private readonly messaging: SimpMessagingTemplate,
  ) {}

  /** Spring's sample handler: `/app/chat.send` → everyone on `/topic/messages`. */
  @MessageMapping('/chat.send')
  @SendTo('/topic/messages')
  @AsyncApiReply({ name: 'ChatMessage', schema: CHAT_MESSAGE_SCHEMA, examples: [{ sender: 'alice', content: 'Hello, everyone' }] })
  send(message: ChatMessageDto, @Principal() user: StompPrincipal | undefined): ChatMessage {
    return { sender: user?.name ?? message.sender ?? 'anonymous', content: message.content };
  }

  @MessageMapping('/room.{roomId}')
  @SendTo('/topic/room.{roomId}')
  @AsyncApiReply({ name: 'RoomMessage', schema: ROOM_MESSAGE_SCHEMA, examples: [{ room: 'general', sender: 'alice', content: 'Hi, room', sentAt: '2026-12-05T09:30:00.000Z' }] })
  room(@DestinationVariable('roomId') roomId: string, @Payload() message: RoomMessageDto, @Principal() user: StompPrincipal | undefined): RoomMessage {
    if (!this.rooms.exists(roomId)) throw new NotFoundException(`There is no room '${roomId}'`);
    return { room: roomId, sender: user?.name ?? 'anonymous', content: message.content, sentAt: new Date().toISOString() };
  }

  /** To the addressee's sessions, and back to all of the sender's (so every tab shows it). */
  @MessageMapping('/chat.private')
  @SendToUser('/queue/private')
  @AsyncApiReply({
    name: 'PrivateMessage',
    schema: PRIVATE_MESSAGE_SCHEMA,
    description: "Sent to the addressee's /user/queue/private too.",
    examples: [{ from: 'alice', to: 'bob', content: 'Psst' }],
  })
  async private(@Payload() message: PrivateMessageDto, @Principal() user: StompPrincipal | undefined): Promise<PrivateMessage> {
    if (!user) throw new ForbiddenException('Sign in (CONNECT with a login) to send private messages');
    if (!this.users.getUser(message.to)) throw new NotFoundException(`'${message.to}' is not online`);
    const sent: PrivateMessage = { from: user.name, to: message.to, content: message.content };
    if (message.to !== user.name) await this.messaging.convertAndSendToUser(message.to, '/queue/private', sent);
    return sent;
  }

  @SubscribeMapping('/rooms')
  @AsyncApiReply({ name: 'RoomList', schema: ROOM_LIST_SCHEMA, examples: [[{ id: 'general', name: 'General' }]] })
  roomList(): readonly Room[] {
    return this.rooms.all();
  }

  @SubscribeMapping('/presence')
  @AsyncApiReply({ name: 'UsersOnline', schema: USER_NAMES_SCHEMA, examples: [['alice', 'bob']] })
  online(): string[] {
    return this.presence.online();
  }
}
