import { Module } from '@nestjs/common';
import { StompModule } from 'nest-stomp';
import { rabbitMqSettings } from '../shared/rabbitmq.js';
import { BENCH_CLIENT_OPTIONS } from './bench-limits.js';

const rabbitMq = rabbitMqSettings(process.env);

/**
 * Scenario (e): broker destinations relayed to RabbitMQ's STOMP plugin, every relay option at its
 * default but the address and login (BENCH_RABBITMQ_*, RabbitMQ's guest/guest by default). The
 * client side is set up as in BenchAppModule (BENCH_CLIENT_OPTIONS). No handler: the clients SEND to the RabbitMQ topic directly, as they do on RabbitMQ Web-STOMP.
 */
@Module({
  imports: [
    StompModule.forRoot({
      ...BENCH_CLIENT_OPTIONS,
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
