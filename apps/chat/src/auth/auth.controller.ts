import { Body, Controller, Post } from '@nestjs/common';
import { ChatAuthService } from './chat-auth.service.js';
import { TokenRequestDto } from './token-request.dto.js';

@Controller('api')
export class AuthController {
  constructor(private readonly auth: ChatAuthService) {}

  /** A token to CONNECT with (`token` header) instead of a plain `login`. */
  @Post('token')
  token(@Body() request: TokenRequestDto): { token: string } {
    return { token: this.auth.issueToken(request.name) };
  }
}
