import { IsString } from 'class-validator';
import { IsChatName } from './is-chat-name.decorator.js';

export class TokenRequestDto {
  @IsString()
  @IsChatName()
  name!: string;
}
