// prom-client metrics shared by all sources of one registry. Several sources of one kind share
// a metric and differ by the `source` label, so metrics are got-or-created by name.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { prerenderedFamily, type PrerenderedFamily, type PrerenderedType } from './exposition.js';

export class MetricFactory {
  constructor(readonly registry: Registry = new Registry()) {}

  gauge<L extends string>(name: string, help: string, labelNames: readonly L[] = []): Gauge<L | 'source'> {
    return this.getOrCreate(name, () => new Gauge({ name, help, labelNames: withSource(labelNames), registers: [this.registry] }));
  }

  counter<L extends string>(name: string, help: string, labelNames: readonly L[] = []): Counter<L | 'source'> {
    return this.getOrCreate(name, () => new Counter({ name, help, labelNames: withSource(labelNames), registers: [this.registry] }));
  }

  histogram<L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[] = [],
    buckets: number[] = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
  ): Histogram<L | 'source'> {
    return this.getOrCreate(
      name,
      () => new Histogram({ name, help, labelNames: withSource(labelNames), buckets, registers: [this.registry] })
    );
  }

  /**
   * A family whose series a source sets in bulk after each poll and that /metrics writes from
   * cached lines (core/exposition.ts): for per-miner series, thousands per source.
   */
  prerendered(name: string, help: string, type: PrerenderedType = 'gauge'): PrerenderedFamily {
    return prerenderedFamily(this.registry, name, help, type);
  }

  private getOrCreate<M>(name: string, create: () => M): M {
    return (this.registry.getSingleMetric(name) as M | undefined) ?? create();
  }
}

function withSource<L extends string>(labelNames: readonly L[]): Array<L | 'source'> {
  return labelNames.includes('source' as L) ? [...labelNames] : ['source', ...labelNames];
}

/** The proxy's own `nodescope_*` metrics, used by clients and the HTTP layer. */
export function selfMetrics(factory: MetricFactory) {
  return {
    upstreamLatency: factory.histogram('nodescope_upstream_request_seconds', 'Latency of upstream calls', ['upstream', 'method']),
    upstreamErrors: factory.counter('nodescope_upstream_errors_total', 'Failed upstream calls', ['upstream', 'reason']),
    queryDuration: factory.histogram('nodescope_query_seconds', 'Time to answer one query of /api/query', ['query']),
    queryErrors: factory.counter('nodescope_query_errors_total', 'Queries answered with an error', ['query']),
    sourceUp: factory.gauge('nodescope_source_up', '1 when the source status is ok or degraded, 0 when down or starting'),
    sourceStatus: factory.gauge('nodescope_source_status', 'Source status: 0 ok, 1 starting, 2 degraded, 3 down'),
  };
}
export type SelfMetrics = ReturnType<typeof selfMetrics>;
