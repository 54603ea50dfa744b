// The reference is prom-client@15.1.3's own Histogram (the library every other nodescope_*
// metric goes through, lib/histogram.js and lib/registry.js): the same observations must come
// out of the registry as the same text and the same JSON.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { MetricFactory } from './metrics.js';
import { fastHistogram } from './metricsHistogram.js';

const BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
// on, under and over bounds, past the last bound, zero; label values that need escaping
const OBSERVATIONS: Array<[{ source: string; query: string }, number]> = [
  [{ source: 'btc', query: 'chain.info' }, 0.000_02],
  [{ source: 'btc', query: 'chain.info' }, 0.001],
  [{ source: 'btc', query: 'mempool.summary' }, 0.3],
  [{ source: 'btc', query: 'chain.info' }, 0.0011],
  [{ source: 'eth "main"', query: 'a\\b\nc' }, 12],
  [{ source: 'btc', query: 'chain.info' }, 0],
  [{ source: 'eth "main"', query: 'a\\b\nc' }, 2.5],
];

function both(defaults?: Record<string, string>) {
  const reference = new Registry();
  const fast = new Registry();
  if (defaults) {
    reference.setDefaultLabels(defaults);
    fast.setDefaultLabels(defaults);
  }
  const plain = new Histogram({ name: 'nodescope_query_seconds', help: 'Time to answer one query of /api/query', labelNames: ['source', 'query'], buckets: BUCKETS, registers: [reference] });
  const quick = fastHistogram(fast, 'nodescope_query_seconds', 'Time to answer one query of /api/query', ['source', 'query'], BUCKETS);
  for (const [labels, value] of OBSERVATIONS) {
    plain.observe(labels, value);
    quick.observe(labels, value);
  }
  return { reference, fast, quick };
}

describe('FastHistogram', () => {
  it('renders exactly as a prom-client Histogram with the same observations, default labels or not', async () => {
    for (const defaults of [undefined, { site: 'eu-1' }]) {
      const { reference, fast } = both(defaults);
      const text = await fast.metrics();
      expect(text).toBe(await reference.metrics());
      expect(await fast.getMetricsAsJSON()).toEqual(await reference.getMetricsAsJSON());
      // read by hand from the observations: 3 of the 4 chain.info ones are <= 0.001
      const site = defaults ? 'site="eu-1",' : '';
      expect(text).toContain(`nodescope_query_seconds_bucket{le="0.001",${site}source="btc",query="chain.info"} 3\n`);
      expect(text).toContain(`nodescope_query_seconds_bucket{le="+Inf",${site}source="btc",query="chain.info"} 4\n`);
      expect(text).toContain(`nodescope_query_seconds_count{${site}source="eth \\"main\\"",query="a\\\\b\\nc"} 2\n`);
    }
  });

  // Prometheus's own parser and linter: Debian's promtool 2.42 `check metrics` (exit 0: parsed, no lint finding)
  it.skipIf(!existsSync('/usr/bin/promtool'))('is read by promtool check metrics without an error or a lint finding', async () => {
    const { fast } = both({ site: 'eu-1' });
    const result = spawnSync('/usr/bin/promtool', ['check', 'metrics'], { input: await fast.metrics(), encoding: 'utf8', timeout: 20_000 });
    expect(`${result.stdout}${result.stderr}`).toBe('');
    expect(result.status).toBe(0);
  });

  it('resets with the registry, refuses a value that is not finite or a label it was not given', async () => {
    const { reference, fast, quick } = both();
    expect(() => quick.observe({ source: 'btc', query: 'x' }, Number.NaN)).toThrow(TypeError);
    expect(() => quick.observe({ source: 'btc', query: 'x', other: 'y' } as never, 1)).toThrow(/not included/);
    reference.resetMetrics();
    fast.resetMetrics();
    expect(await fast.metrics()).toBe(await reference.metrics());
  });

  it('is got-or-created once per registry, and not over a prom-client metric of the same name', () => {
    const factory = new MetricFactory();
    const first = factory.fastHistogram('nodescope_query_seconds', 'q', ['query']);
    expect(factory.fastHistogram('nodescope_query_seconds', 'q', ['query'])).toBe(first);
    factory.histogram('nodescope_other_seconds', 'o');
    expect(() => factory.fastHistogram('nodescope_other_seconds', 'o')).toThrow(/already registered/);
  });
});
