import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { NestFactory } from '@nestjs/core';
import { BenchRelayAppModule } from './bench-relay-app.module.js';
import { serveBenchIpc } from './server-ipc.js';

/** The library under test in (e): a Nest application whose StompModule relays to RabbitMQ. */
const app = await NestFactory.create(BenchRelayAppModule, { logger: ['error', 'warn'] });
await app.listen(0, '127.0.0.1');
serveBenchIpc((app.getHttpServer().address() as AddressInfo).port);
