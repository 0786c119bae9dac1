import { Controller, Module } from '@nestjs/common';
import { MessageMapping, SendTo, StompModule } from 'nest-stomp';
import type { BenchPayload } from '../shared/payload.js';
import { BENCH_CLIENT_OPTIONS } from './bench-limits.js';

/** The chat app's handler, as it is in apps/chat, plus a per-pair echo for scenarios (b) and (d). */
@Controller()
export class BenchController {
  @MessageMapping('/chat.send')
  @SendTo('/topic/messages')
  send(message: BenchPayload): BenchPayload {
    return message;
  }

  @MessageMapping('/echo/{id}')
  @SendTo('/topic/reply/{id}')
  echo(message: BenchPayload): BenchPayload {
    return message;
  }
}

/** The chat app's setup on the embedded broker, with the bench's client-side options. */
@Module({
  imports: [
    StompModule.forRoot(BENCH_CLIENT_OPTIONS),
  ],
  controllers: [BenchController],
})
export class BenchAppModule {}
