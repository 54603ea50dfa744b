import { Gauge, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { registryToLines } from '../outputs/lineProtocol.js';
import { escapeLabelValue, expositionChunks, formatSampleValue, prerenderedFamily, renderExposition } from './exposition.js';
import { MetricFactory } from './metrics.js';
import { parsePrometheusText } from './prometheusText.js';

/** One gauge family twice: prerendered in our MetricFactory, and as prom-client's own Gauge (the reference). */
function sameFamilyTwice(name: string, help: string, labelNames: string[]) {
  const ours = new MetricFactory();
  const theirs = new Registry();
  const family = ours.prerendered(name, help);
  const gauge = new Gauge({ name, help, labelNames: ['source', ...labelNames], registers: [theirs] });
  return { ours, theirs, family, gauge };
}

const AWKWARD = ['rack "A"', 'C:\\miners\\m1', 'two\nlines', 'all \\"\n three', 'plain-01'];

describe('PrerenderedFamily', () => {
  it('writes one HELP/TYPE block per family holding every source, sources by id', async () => {
    const factory = new MetricFactory();
    const up = factory.prerendered('mining_up', 'help of up');
    // got-or-created: the second source of a kind shares the family
    expect(factory.prerendered('mining_up', 'help of up')).toBe(up);
    up.set('farm-b', [{ labels: { miner: 'b1' }, value: 1 }]);
    up.set('farm-a', [
      { labels: { miner: 'a1' }, value: 0 },
      { labels: { miner: 'a2' }, value: 1 },
    ]);
    const text = await renderExposition(factory.registry);
    expect(text).toBe(
      [
        '# HELP mining_up help of up',
        '# TYPE mining_up gauge',
        'mining_up{source="farm-a",miner="a1"} 0',
        'mining_up{source="farm-a",miner="a2"} 1',
        'mining_up{source="farm-b",miner="b1"} 1',
        '',
      ].join('\n')
    );
    expect(text.match(/^# HELP mining_up /gm)).toHaveLength(1);
    expect(text.match(/^# TYPE mining_up /gm)).toHaveLength(1);
  });

  it('escapes label values as the text format requires, exactly as prom-client does', async () => {
    const { ours, theirs, family, gauge } = sameFamilyTwice('x_info', 'a "help" with \\ and\nnewline', ['miner']);
    family.set(
      's',
      AWKWARD.map((miner, i) => ({ labels: { miner }, value: i }))
    );
    AWKWARD.forEach((miner, i) => gauge.set({ source: 's', miner }, i));
    const text = await renderExposition(ours.registry);
    expect(text).toBe(await theirs.metrics());
    expect(text).toContain('x_info{source="s",miner="rack \\"A\\""} 0');
    expect(text).toContain('x_info{source="s",miner="C:\\\\miners\\\\m1"} 1');
    expect(text).toContain('x_info{source="s",miner="two\\nlines"} 2');
    // and it reads back to the original values
    const [parsed] = parsePrometheusText(text);
    expect(parsed!.samples.map((s) => s.labels.miner)).toEqual(AWKWARD);
    expect(escapeLabelValue('plain')).toBe('plain');
  });

  it('writes special values the way the format spells them', () => {
    expect(
      [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 1e21, 0.1, -3].map(formatSampleValue)
    ).toEqual(['NaN', '+Inf', '-Inf', '0', '1e+21', '0.1', '-3']);
  });

  it('replaces a source series set: a miner that disappears loses its series, other sources keep theirs', async () => {
    const factory = new MetricFactory();
    const up = factory.prerendered('mining_up', 'up');
    up.set('a', [
      { labels: { miner: 'm1' }, value: 1 },
      { labels: { miner: 'm2' }, value: 1 },
    ]);
    up.set('b', [{ labels: { miner: 'm9' }, value: 1 }]);
    up.set('a', [{ labels: { miner: 'm2' }, value: 0 }]);
    let text = await renderExposition(factory.registry);
    expect(text).not.toContain('miner="m1"');
    expect(text).toContain('mining_up{source="a",miner="m2"} 0');
    expect(text).toContain('mining_up{source="b",miner="m9"} 1');
    // a source that stops removes its lines; the family header stays, as prom-client's would
    up.clear('a');
    text = await renderExposition(factory.registry);
    expect(text).not.toContain('source="a"');
    expect(text).toBe('# HELP mining_up up\n# TYPE mining_up gauge\nmining_up{source="b",miner="m9"} 1\n');
    up.clear('b');
    expect(await renderExposition(factory.registry)).toBe('# HELP mining_up up\n# TYPE mining_up gauge\n');
  });

  it('formats a source\'s lines on the first scrape after set, once, and not for sets no scrape reads', async () => {
    const factory = new MetricFactory();
    const up = factory.prerendered('mining_up', 'up');
    const reads: string[] = [];
    // a labels object whose key listing counts the times its line is formatted
    const counted = (miner: string) =>
      new Proxy({ miner } as Record<string, string>, {
        ownKeys: (target) => (reads.push(miner), Reflect.ownKeys(target)),
      });
    up.set('a', [{ labels: counted('m1'), value: 1 }]);
    up.set('a', [{ labels: counted('m2'), value: 0 }]); // a poll nobody scraped
    expect(reads).toEqual([]);
    const first = await renderExposition(factory.registry);
    const second = await renderExposition(factory.registry);
    expect(first).toBe(second);
    expect(first).toContain('mining_up{source="a",miner="m2"} 0');
    expect(reads.filter((m) => m === 'm1')).toEqual([]);
    expect(reads.filter((m) => m === 'm2').length).toBe(1);
  });

  it('carries the registry default labels (site) after the series labels, even when set after the samples', async () => {
    const { ours, theirs, family, gauge } = sameFamilyTwice('mining_power_watts', 'power', ['miner', 'power_source']);
    family.set('farm', [{ labels: { miner: 'm1', power_source: 'measured' }, value: 1400 }]);
    gauge.set({ source: 'farm', miner: 'm1', power_source: 'measured' }, 1400);
    for (const site of ['eu "1"', 'us-2']) {
      ours.registry.setDefaultLabels({ site });
      theirs.setDefaultLabels({ site });
      expect(await renderExposition(ours.registry)).toBe(await theirs.metrics());
    }
    expect(await renderExposition(ours.registry)).toContain(
      'mining_power_watts{source="farm",miner="m1",power_source="measured",site="us-2"} 1400'
    );
  });

  it('renders a mixed registry exactly as registry.metrics() does, in registration order', async () => {
    const factory = new MetricFactory();
    factory.registry.setDefaultLabels({ site: 'lab' });
    factory.gauge('nodescope_source_up', 'up').set({ source: 'farm' }, 1);
    const counter = factory.prerendered('mining_shares_accepted_total', 'Accepted shares', 'counter');
    factory.histogram('nodescope_query_seconds', 'q', ['query']).observe({ source: 'proxy', query: 'miners' }, 0.02);
    const empty = factory.prerendered('mining_pool_active_info', 'no samples yet');
    factory.counter('mining_poll_errors_total', 'errors', ['reason']).inc({ source: 'farm', reason: 'timeout' });
    counter.set(
      'farm',
      AWKWARD.map((miner, i) => ({ labels: { miner }, value: i * 10 }))
    );
    expect(empty.sourceIds).toEqual([]);
    // registry.metrics() formats pre-rendered families through their get(): the slow path agrees
    expect(await renderExposition(factory.registry)).toBe(await factory.registry.metrics());
    // the route writes it in pieces: a prom-client metric whole, a pre-rendered family's header
    // and each source's cached lines apart (never copied into a larger string), separators between
    const chunks = await expositionChunks(factory.registry);
    expect(chunks.join('')).toBe(await factory.registry.metrics());
    expect(chunks.slice(0, 3)).toEqual([
      '# HELP nodescope_source_up up\n# TYPE nodescope_source_up gauge\nnodescope_source_up{source="farm",site="lab"} 1',
      '\n\n',
      '# HELP mining_shares_accepted_total Accepted shares\n# TYPE mining_shares_accepted_total counter',
    ]);
    expect(chunks[3]).toBe('\n');
    expect(chunks[4]).toMatch(/^mining_shares_accepted_total\{source="farm",miner=/);
    expect(chunks[4]).not.toContain('# ');
    expect(chunks.at(-1)).toBe('\n');
    // an empty registry: prom-client's lone line feed
    expect((await expositionChunks(new MetricFactory().registry)).join('')).toBe(await new MetricFactory().registry.metrics());
  });

  it('gives getMetricsAsJSON (the Influx writer) every sample with source and default labels', async () => {
    const factory = new MetricFactory();
    factory.registry.setDefaultLabels({ site: 'lab' });
    const temp = factory.prerendered('mining_board_temperature_celsius', 'board temperature');
    temp.set('farm', [
      { labels: { miner: 'm 1', board: '0' }, value: 71.5 },
      { labels: { miner: 'm 1', board: '1' }, value: 73 },
    ]);
    const json = await factory.registry.getMetricsAsJSON();
    expect(json.find((m) => m.name === 'mining_board_temperature_celsius')!.values).toEqual([
      { labels: { source: 'farm', miner: 'm 1', board: '0', site: 'lab' }, value: 71.5 },
      { labels: { source: 'farm', miner: 'm 1', board: '1', site: 'lab' }, value: 73 },
    ]);
    expect(await registryToLines(factory.registry, 1_700_000_000_000)).toEqual([
      'mining_board_temperature_celsius,board=0,miner=m\\ 1,site=lab,source=farm value=71.5 1700000000000',
      'mining_board_temperature_celsius,board=1,miner=m\\ 1,site=lab,source=farm value=73 1700000000000',
    ]);
    // reset (prom-client resetMetrics) empties it like any metric
    factory.registry.resetMetrics();
    expect((await factory.registry.getMetricsAsJSON())[0]!.values).toEqual([]);
  });

  it('refuses a name already used by a prom-client metric', () => {
    const registry = new Registry();
    new Histogram({ name: 'mining_up', help: 'h', registers: [registry] });
    expect(() => prerenderedFamily(registry, 'mining_up', 'up', 'gauge')).toThrow(/already registered/);
  });
});
