import { Body, Controller, Post } from '@nestjs/common';
import { ChatAuthService } from './chat-auth.service.js';
import { TokenRequestDto } from './token-request.dto.js';

@Controller('api')
export class AuthController {
  constructor(private readonly auth: ChatAuthService) {}

  /** A token to CONNECT with (`token` header) instead of a plain `login`, and when it stops working. */
  @Post('token')
  token(@Body() request: TokenRequestDto): { token: string; name: string; expiresAt: string } {
    const { token, expiresAt } = this.auth.issueToken(request.name);
    return { token, name: request.name, expiresAt: expiresAt.toISOString() };
  }
}
