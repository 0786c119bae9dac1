import { Controller, Get, Header, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService, type HealthCheckResult } from '@nestjs/terminus';
import { StompHealthIndicator } from 'nest-stomp';
import type { Registry } from 'prom-client';
import { METRICS_REGISTRY } from './metrics-registry.module.js';

/** What a load balancer and Prometheus read: `/health` (503 while the broker is away) and `/metrics`. */
@Controller()
export class OpsController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly stomp: StompHealthIndicator,
    @Inject(METRICS_REGISTRY) private readonly registry: Registry,
  ) {}

  @Get('health')
  @HealthCheck()
  check(): Promise<HealthCheckResult> {
    return this.health.check([() => this.stomp.isHealthy('stomp')]);
  }

  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  metrics(): Promise<string> {
    return this.registry.metrics();
  }
}
