import { Module } from '@nestjs/common';
import { StompModule } from 'nest-stomp';
import { rabbitMqSettings } from '../shared/rabbitmq.js';
import { UNLIMITED_CONNECTIONS, UNLIMITED_FRAMES_PER_SECOND } from './bench-limits.js';

const rabbitMq = rabbitMqSettings(process.env);

/**
 * Scenario (e): broker destinations relayed to RabbitMQ's STOMP plugin, every relay option at its
 * default but the address and login (BENCH_RABBITMQ_*, RabbitMQ's guest/guest by default). The
 * client side is set up as in BenchAppModule: heart-beats off, the per-address connection limits and
 * the per-session frame rate lifted (all clients come from 127.0.0.1; the publisher SENDs at max rate).
 * No handler: the clients SEND to the RabbitMQ topic directly, as they do on RabbitMQ Web-STOMP.
 */
@Module({
  imports: [
    StompModule.forRoot({
      endpoint: '/ws',
      heartbeat: [0, 0],
      maxConnections: UNLIMITED_CONNECTIONS,
      maxConnectionsPerAddress: UNLIMITED_CONNECTIONS,
      maxFramesPerSecond: UNLIMITED_FRAMES_PER_SECOND,
      broker: {
        kind: 'relay',
        addresses: [{ host: rabbitMq.stompHost, port: rabbitMq.stompPort }],
        clientLogin: rabbitMq.login,
        clientPasscode: rabbitMq.passcode,
        systemLogin: rabbitMq.login,
        systemPasscode: rabbitMq.passcode,
      },
    }),
  ],
})
export class BenchRelayAppModule {}
