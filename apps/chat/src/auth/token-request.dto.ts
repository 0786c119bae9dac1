import { IsString, Matches } from 'class-validator';

export class TokenRequestDto {
  @IsString()
  @Matches(/^[\p{L}\p{N}_.-]{1,32}$/u, { message: 'name must be 1 to 32 letters, digits, _ . or -' })
  name!: string;
}
