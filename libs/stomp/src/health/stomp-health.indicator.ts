import { Injectable } from '@nestjs/common';
import { StompStats } from '../metrics/stomp-stats.js';

/** What the indicator reports under its key: `@nestjs/terminus`'s `HealthIndicatorResult` shape. */
export type StompHealthResult<Key extends string = 'stomp'> = Record<
  Key,
  {
    readonly status: 'up' | 'down';
    readonly broker: string;
    readonly brokerAvailable: boolean;
    readonly sessions: number;
    readonly maxConnections: number;
  }
>;

/**
 * A `@nestjs/terminus` health indicator: `up` while the broker takes messages, `down` (so
 * `HealthCheckService.check` answers 503) when it does not; the open sessions against
 * `maxConnections` are reported either way. It returns terminus's result shape and needs nothing
 * of terminus itself, so the library does not load it.
 *
 * @example
 * @Get('health') @HealthCheck()
 * check() { return this.health.check([() => this.stomp.isHealthy()]); }
 */
@Injectable()
export class StompHealthIndicator {
  constructor(private readonly stats: StompStats) {}

  isHealthy<Key extends string = 'stomp'>(key: Key = 'stomp' as Key): StompHealthResult<Key> {
    const { open, maxConnections } = this.stats.sessionCounts();
    const available = this.stats.brokerAvailable;
    const details = { status: available ? ('up' as const) : ('down' as const), broker: this.stats.brokerKind, brokerAvailable: available, sessions: open, maxConnections };
    return { [key]: details } as StompHealthResult<Key>;
  }
}
