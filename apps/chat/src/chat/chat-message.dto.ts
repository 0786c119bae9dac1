import { IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';

/** A message to everyone, `/app/chat.send` → `/topic/messages`. Signed-in users' names win over `sender`. */
export class ChatMessageDto {
  @IsOptional()
  @IsString()
  @MaxLength(32)
  sender?: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(1000)
  content!: string;
}

/** A message to one room, `/app/room.{roomId}` → `/topic/room.{roomId}`. */
export class RoomMessageDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(1000)
  content!: string;
}

/** A private message, `/app/chat.private` → the addressee's `/user/queue/private`. */
export class PrivateMessageDto {
  @IsString()
  @IsNotEmpty()
  to!: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(1000)
  content!: string;
}
