import { Module } from '@nestjs/common';
import { StompModule } from 'nest-stomp';
import { Registry } from 'prom-client';
import { BenchController } from './bench-app.module.js';
import { BENCH_CLIENT_OPTIONS } from './bench-limits.js';

/** The registry the metrics server scrapes: its own, as an application's. */
export const BENCH_METRICS_REGISTRY = new Registry();

/** (j): the app of (a) with `metrics: { enabled: true }`, all else the same. */
@Module({
  imports: [StompModule.forRoot({ ...BENCH_CLIENT_OPTIONS, metrics: { enabled: true, registry: BENCH_METRICS_REGISTRY } })],
  controllers: [BenchController],
})
export class BenchMetricsAppModule {}
