import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { NestFactory } from '@nestjs/core';
import { BenchDurableAppModule, type DurableBrokerArg } from './bench-durable-app.module.js';
import { serveBenchIpc } from './server-ipc.js';

/** The library under test in (g), on the durable broker named by its argument. */
const kind = process.argv[2] as DurableBrokerArg;
if (!['simple', 'redis-streams', 'jetstream', 'kafka'].includes(kind)) throw new Error(`nest-stomp-durable-server: unknown broker '${kind}'`);
const app = await NestFactory.create(BenchDurableAppModule.forBroker(kind, process.env), { logger: ['error', 'warn'] });
await app.listen(0, '127.0.0.1');
serveBenchIpc((app.getHttpServer().address() as AddressInfo).port);
