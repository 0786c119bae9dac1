import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { NestFactory } from '@nestjs/core';
import { BENCH_METRICS_REGISTRY, BenchMetricsAppModule } from './bench-metrics-app.module.js';
import { serveBenchIpc } from './server-ipc.js';

/** Scenario (j): the library with metrics on, scraped every second (Prometheus scrapes every 15 s or so: this is the harsher case). */
const SCRAPE_INTERVAL_MS = 1000;

const app = await NestFactory.create(BenchMetricsAppModule, { logger: ['error', 'warn'] });
await app.listen(0, '127.0.0.1');
setInterval(() => void BENCH_METRICS_REGISTRY.metrics(), SCRAPE_INTERVAL_MS).unref();
serveBenchIpc((app.getHttpServer().address() as AddressInfo).port);
