import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { StompConfigurationError } from '../errors/stomp-configuration.error.js';
import { STOMP_SETTINGS } from '../interfaces/injection-tokens.js';
import { StompCounters } from '../interfaces/stomp-counters.js';
import { loadOptionalPackage } from '../util/optional-package.js';
import type { MetricsRegistry, StatsSettings } from './metrics-settings.js';
import { stompMetrics } from './stomp-metric-set.js';
import { StompStats } from './stomp-stats.js';

/**
 * With `metrics: { enabled: true }`, puts the STOMP metrics on the application's prom-client
 * registry (the one given, or prom-client's default `register`) at start-up and takes them off at
 * shutdown. prom-client is loaded only then.
 */
@Injectable()
export class PrometheusMetrics implements OnModuleInit, OnModuleDestroy {
  private registered: { registry: MetricsRegistry; names: string[] } | undefined;

  constructor(
    @Inject(STOMP_SETTINGS) private readonly settings: StatsSettings,
    private readonly counters: StompCounters,
    private readonly stats: StompStats,
  ) {}

  onModuleInit(): void {
    const { enabled, registry: given, prefix } = this.settings.metrics;
    if (!enabled) return;
    const registry = given ?? loadOptionalPackage<{ register: MetricsRegistry }>('prom-client', 'The metrics option').register;
    const metrics = stompMetrics(prefix, this.counters, this.stats);
    const names: string[] = [];
    try {
      for (const metric of metrics) {
        registry.registerMetric(metric as never);
        names.push(metric.name);
      }
    } catch (error) {
      for (const name of names) registry.removeSingleMetric(name);
      throw new StompConfigurationError(
        `metrics: ${(error as Error).message}: another StompModule (or the application) has metrics of these names on this registry; give each its own (metrics.registry) or a prefix (metrics.prefix)`,
      );
    }
    this.registered = { registry, names };
  }

  onModuleDestroy(): void {
    if (!this.registered) return;
    for (const name of this.registered.names) this.registered.registry.removeSingleMetric(name);
    this.registered = undefined;
  }
}
