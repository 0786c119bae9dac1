import { Module } from '@nestjs/common';
import { Registry } from 'prom-client';

/** The app's own Prometheus registry: the STOMP metrics go on it beside the app's, and two apps in one process do not collide. */
export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');

@Module({
  providers: [{ provide: METRICS_REGISTRY, useFactory: () => new Registry() }],
  exports: [METRICS_REGISTRY],
})
export class MetricsRegistryModule {}
