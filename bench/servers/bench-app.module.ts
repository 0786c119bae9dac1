import { Controller, Module } from '@nestjs/common';
import { MessageMapping, SendTo, StompModule } from 'nest-stomp';
import type { BenchPayload } from '../shared/payload.js';
import { UNLIMITED_CONNECTIONS, UNLIMITED_FRAMES_PER_SECOND } from './bench-limits.js';

/** The chat app's handler, as it is in apps/chat, plus a per-pair echo for scenarios (b) and (d). */
@Controller()
class BenchController {
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

/**
 * The chat app's setup on the embedded broker, heart-beats off as in the baselines. Every bench
 * client connects from 127.0.0.1, so the connection limits (guards against one abusive address) are
 * lifted, and so is the per-session frame rate (the fan-out publisher SENDs at max rate); all other
 * options keep their defaults.
 */
@Module({
  imports: [
    StompModule.forRoot({
      endpoint: '/ws',
      heartbeat: [0, 0],
      maxConnections: UNLIMITED_CONNECTIONS,
      maxConnectionsPerAddress: UNLIMITED_CONNECTIONS,
      maxFramesPerSecond: UNLIMITED_FRAMES_PER_SECOND,
    }),
  ],
  controllers: [BenchController],
})
export class BenchAppModule {}
