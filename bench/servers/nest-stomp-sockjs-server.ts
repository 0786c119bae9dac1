import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { NestFactory } from '@nestjs/core';
import { BenchSockJsAppModule } from './bench-sockjs-app.module.js';
import { serveBenchIpc } from './server-ipc.js';

/** The library under test in (h): the app of (a) with SockJS enabled on its endpoint. */
const app = await NestFactory.create(BenchSockJsAppModule, { logger: ['error', 'warn'] });
await app.listen(0, '127.0.0.1');
serveBenchIpc((app.getHttpServer().address() as AddressInfo).port);
