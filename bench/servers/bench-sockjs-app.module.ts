import { Module } from '@nestjs/common';
import { StompModule } from 'nest-stomp';
import { BenchController } from './bench-app.module.js';
import { BENCH_CLIENT_OPTIONS } from './bench-limits.js';

/**
 * (h): the app of (a) with SockJS on its endpoint (every SockJS option at its default), so that
 * raw WebSocket (`/ws`), SockJS's websocket and its xhr-streaming are measured on the same server.
 */
@Module({
  imports: [StompModule.forRoot({ ...BENCH_CLIENT_OPTIONS, endpoint: { path: BENCH_CLIENT_OPTIONS.endpoint, sockJs: true } })],
  controllers: [BenchController],
})
export class BenchSockJsAppModule {}
