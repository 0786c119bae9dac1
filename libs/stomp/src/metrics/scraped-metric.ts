/** One sample of a metric, as prom-client's registry reads it. */
export interface MetricValue {
  readonly value: number;
  readonly labels: Readonly<Record<string, string | number>>;
  /** For a histogram's `_bucket`, `_sum` and `_count` lines. */
  readonly metricName?: string;
}

/**
 * A metric whose values are read when the registry is scraped, from numbers the library keeps
 * itself: nothing is called on the hot path. It has the shape prom-client's `Registry` reads
 * (`name`, `help`, `type`, `get()`), so it sits on the application's registry beside its own
 * metrics; prom-client is not needed to make one.
 */
export class ScrapedMetric {
  readonly aggregator = 'sum';

  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: 'counter' | 'gauge' | 'histogram',
    private readonly read: () => readonly MetricValue[],
  ) {}

  get(): { name: string; help: string; type: string; aggregator: string; values: MetricValue[] } {
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values: [...this.read()] };
  }

  /** `registry.resetMetrics()`: the numbers belong to the library, which never resets them. */
  reset(): void {}
}

/** One value per entry of `record`, labelled `label`. */
export function labelled(record: Readonly<Record<string, number>>, label: string): MetricValue[] {
  return Object.entries(record).map(([name, value]) => ({ value, labels: { [label]: name } }));
}
