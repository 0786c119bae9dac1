import { Transform } from 'class-transformer';
import { IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { normalizeName } from '../auth/chat-name.js';
import { IsChatName } from '../auth/is-chat-name.decorator.js';

/** Text that shows something: not empty, not only spaces. */
const VISIBLE = /\S/;

/**
 * A message to everyone, `/app/chat.send` → `/topic/messages`. Signed-in users' names win over
 * `sender`; an anonymous `sender` follows the rules of names (no `admin`, no look-alikes, no bidi
 * overrides), as a signed-in one would.
 */
export class ChatMessageDto {
  @IsOptional()
  @IsString()
  @IsChatName()
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
  /** Normalised as names are at sign-in: `ＢＯＢ` reaches `bob`. */
  @IsString()
  @IsNotEmpty()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? normalizeName(value) : value))
  to!: string;

  @IsString()
  @IsNotEmpty()
  @Matches(VISIBLE, { message: 'content must not be blank' })
  @MaxLength(1000)
  content!: string;
}
