// prom-client metrics shared by all sources of one registry. Several sources of one kind share
// a metric and differ by the `source` label, so metrics are got-or-created by name.
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { prerenderedFamily, type PrerenderedFamily, type PrerenderedType } from './exposition.js';
import { fastHistogram, type FastHistogram } from './metricsHistogram.js';

const DEFAULT_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class MetricFactory {
  constructor(readonly registry: Registry = new Registry()) {}

  gauge<L extends string>(name: string, help: string, labelNames: readonly L[] = []): Gauge<L | 'source'> {
    return this.getOrCreate(
      name,
      () => new Gauge({ name, help, labelNames: withSource(labelNames), registers: [this.registry] })
    );
  }

  counter<L extends string>(name: string, help: string, labelNames: readonly L[] = []): Counter<L | 'source'> {
    return this.getOrCreate(
      name,
      () => new Counter({ name, help, labelNames: withSource(labelNames), registers: [this.registry] })
    );
  }

  histogram<L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[] = [],
    buckets: number[] = DEFAULT_BUCKETS
  ): Histogram<L | 'source'> {
    return this.getOrCreate(
      name,
      () => new Histogram({ name, help, labelNames: withSource(labelNames), buckets, registers: [this.registry] })
    );
  }

  /** A histogram whose observe() is cheap, for per-request paths (core/metricsHistogram.ts). */
  fastHistogram<L extends string>(name: string, help: string, labelNames: readonly L[] = [], buckets: readonly number[] = DEFAULT_BUCKETS): FastHistogram<L | 'source'> {
    return fastHistogram(this.registry, name, help, withSource(labelNames), buckets);
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
    upstreamLatency: factory.histogram('nodescope_upstream_request_seconds', 'Latency of upstream calls', [
      'upstream',
      'method',
    ]),
    upstreamErrors: factory.counter('nodescope_upstream_errors_total', 'Failed upstream calls', ['upstream', 'reason']),
    // observed on every query of every request, cached ones included
    queryDuration: factory.fastHistogram('nodescope_query_seconds', 'Time to answer one query of /api/query', ['query']),
    queryErrors: factory.counter('nodescope_query_errors_total', 'Queries answered with an error', ['query']),
    sourceUp: factory.gauge(
      'nodescope_source_up',
      '1 when the source status is ok or degraded, 0 when down or starting'
    ),
    sourceStatus: factory.gauge('nodescope_source_status', 'Source status: 0 ok, 1 starting, 2 degraded, 3 down'),
    eventLoopLag: eventLoopLagGauge(factory.registry),
  };
}

// Event-loop delay of the process over the last completed window (perf_hooks, 10 ms resolution).
// A window rather than "since the last scrape": Prometheus, the Influx writer and the soak bench
// all read the registry, and none of them should reset what the others see.
const LAG_WINDOW_MS = 5_000;
let lagMonitor: { histogram: IntervalHistogram; last: { mean: number; p99: number; max: number } } | null = null;

function eventLoopLag(): { mean: number; p99: number; max: number } {
  if (!lagMonitor) {
    const histogram = monitorEventLoopDelay({ resolution: 10 });
    histogram.enable();
    const monitor = { histogram, last: { mean: 0, p99: 0, max: 0 } };
    const roll = setInterval(() => {
      // ns -> s; an empty window (no samples yet) reads as 0
      const n = histogram.count > 0;
      monitor.last = {
        mean: n ? histogram.mean / 1e9 : 0,
        p99: n ? histogram.percentile(99) / 1e9 : 0,
        max: n ? histogram.max / 1e9 : 0,
      };
      histogram.reset();
    }, LAG_WINDOW_MS);
    roll.unref();
    lagMonitor = monitor;
  }
  return lagMonitor.last;
}

function eventLoopLagGauge(registry: Registry): Gauge<'stat'> {
  const name = 'nodescope_event_loop_lag_seconds';
  const existing = registry.getSingleMetric(name) as Gauge<'stat'> | undefined;
  if (existing) return existing;
  return new Gauge({
    name,
    help: `Event-loop delay of the proxy process over the last ${LAG_WINDOW_MS / 1000} s window (stat: mean, p99, max)`,
    labelNames: ['stat'],
    registers: [registry],
    collect() {
      const lag = eventLoopLag();
      this.set({ stat: 'mean' }, lag.mean);
      this.set({ stat: 'p99' }, lag.p99);
      this.set({ stat: 'max' }, lag.max);
    },
  });
}
export type SelfMetrics = ReturnType<typeof selfMetrics>;
