import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { NestFactory } from '@nestjs/core';
import { BenchAppModule } from './bench-app.module.js';
import { serveBenchIpc } from './server-ipc.js';

/** The library under test: a Nest application with StompModule and the embedded SimpleBroker. */
const app = await NestFactory.create(BenchAppModule, { logger: ['error', 'warn'] });
await app.listen(0, '127.0.0.1');
serveBenchIpc((app.getHttpServer().address() as AddressInfo).port);
