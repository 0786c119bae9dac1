import type { BrokerSettings } from '../broker/broker.options.js';
import type { MessageBroker } from '../broker/message-broker.js';

/**
 * The part of a prom-client `Registry` the metrics use (prom-client is an optional peer: its types
 * are not imported, any registry with these methods will do).
 */
export interface MetricsRegistry {
  registerMetric(metric: never): void;
  removeSingleMetric(name: string): void;
}

/** `metrics` option once resolved. */
export interface MetricsSettings {
  readonly enabled: boolean;
  /** `undefined`: prom-client's default `register`. */
  readonly registry: MetricsRegistry | undefined;
  /** Put before every metric name (`myapp_` → `myapp_stomp_sessions`). */
  readonly prefix: string;
}

/** What the metrics stage reads of the module's options. */
export interface StatsSettings {
  readonly metrics: MetricsSettings;
  /** Interval of the summary line in the log, in ms; 0: never. */
  readonly statsLogInterval: number;
  readonly broker: BrokerSettings | MessageBroker;
  readonly maxConnections: number;
}

/** The `metrics` option. */
export interface StompMetricsOptions {
  /** Put the STOMP metrics on a prom-client registry (prom-client must be installed). Default `false`. */
  readonly enabled?: boolean;
  /** The registry: the application's own; default prom-client's default `register`. */
  readonly registry?: MetricsRegistry;
  /** Put before every metric name. Default `''`. */
  readonly prefix?: string;
}
