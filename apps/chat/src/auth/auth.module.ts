import { Module } from '@nestjs/common';
import { AuthController } from './auth.controller.js';
import { ChatAuthService } from './chat-auth.service.js';

@Module({
  controllers: [AuthController],
  providers: [ChatAuthService],
  exports: [ChatAuthService],
})
export class AuthModule {}
