import { IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

/** Text that shows something: not empty, not only spaces. */
const VISIBLE = /\S/;

/** A message to everyone, `/app/chat.send` → `/topic/messages`. Signed-in users' names win over `sender`. */
export class ChatMessageDto {
  @IsOptional()
  @IsString()
  @MaxLength(32)
  sender?: string;

  @IsString()
  @IsNotEmpty()
  @Matches(VISIBLE, { message: 'content must not be blank' })
  @MaxLength(1000)
  content!: string;
}

/** A message to one room, `/app/room.{roomId}` → `/topic/room.{roomId}`. */
export class RoomMessageDto {
  @IsString()
  @IsNotEmpty()
  @Matches(VISIBLE, { message: 'content must not be blank' })
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
  @Matches(VISIBLE, { message: 'content must not be blank' })
  @MaxLength(1000)
  content!: string;
}
