// The cgminer source's per-miner mining_* families are pre-rendered (src/core/exposition.ts).
// For the same fleet state, /metrics (renderExposition) and the Influx snapshot must carry exactly
// the series and values the prom-client implementation produced (test/legacyMiningMetrics.ts),
// across pool switches, offline, hot and rejecting miners and a stopped fan, for two sources sharing
// one registry, and the text must pass Prometheus's own parser (promtool check metrics).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderExposition } from '../src/core/exposition.js';
import { MetricFactory } from '../src/core/metrics.js';
import { parsePrometheusText, type MetricFamily } from '../src/core/prometheusText.js';
import { registryToLines } from '../src/outputs/lineProtocol.js';
import { startCgminerFleet, type CgminerFleet } from '../src/simulators/cgminer/fleet.js';
import { cgminerConfigSchema } from '../src/sources/cgminer/config.js';
import { createCgminerSource, type CgminerSource } from '../src/sources/cgminer/index.js';
import { createMiningMetrics, type MetricsDetail } from '../src/sources/cgminer/metrics.js';
import { createTestContext } from './helpers.js';
import { createLegacyMiningMetrics } from './legacyMiningMetrics.js';

const PROMTOOL = '/usr/bin/promtool';
// counted by poll hooks inside the source, which the reference cannot see; both are plain
// prom-client counters, untouched by the change
const HOOK_COUNTERS = new Set(['mining_json_repairs_total', 'mining_poll_errors_total']);
// miner names exercise label escaping end to end
const NAMES = ['rack "A" 01', 'C:\\farm\\02', 'line\nbreak 03', 'plain-04'];

let fleet: CgminerFleet;
beforeAll(async () => {
  fleet = await startCgminerFleet({ count: 4 });
});
afterAll(async () => {
  await fleet.close();
});

/** Sorted `name{labels} value` of every mining_* sample, labels sorted: order-free comparison. */
function seriesOf(families: MetricFamily[]): string[] {
  const out: string[] = [];
  for (const family of families) {
    if (!family.name.startsWith('mining_') || HOOK_COUNTERS.has(family.name)) continue;
    for (const s of family.samples) {
      const labels = Object.keys(s.labels)
        .sort()
        .map((k) => `${k}=${JSON.stringify(s.labels[k])}`);
      out.push(`${s.name}{${labels.join(',')}} ${s.value}`);
    }
  }
  return out.sort();
}

function headersOf(families: MetricFamily[]): string[] {
  return families
    .filter((f) => f.name.startsWith('mining_'))
    .map((f) => `${f.name} ${f.type} ${f.help}`)
    .sort();
}

function miningLines(lines: string[]): string[] {
  return lines.filter((l) => l.startsWith('mining_') && ![...HOOK_COUNTERS].some((n) => l.startsWith(`${n},`))).sort();
}

async function twoSources(detail: MetricsDetail) {
  const context = createTestContext({ level: 'silent' });
  context.metrics.registry.setDefaultLabels({ site: 'lab' });
  const reference = new MetricFactory();
  reference.registry.setDefaultLabels({ site: 'lab' });
  const pairs = ['farm-b', 'farm-a'].map((id, n) => {
    // farm-a polls miners 0-2, farm-b miners 1-3: one miner in both, as two overlapping configs would
    const miners = fleet.miners
      .slice(n === 0 ? 1 : 0, n === 0 ? 4 : 3)
      .map((m) => ({ host: m.host, port: m.port, name: NAMES[m.index] }));
    const config = cgminerConfigSchema.parse({
      id,
      kind: 'cgminer',
      miners,
      timeoutMs: 2_000,
      jitter: 0,
      metricsDetail: detail,
    });
    const source = createCgminerSource(config, context) as CgminerSource;
    return { source, legacy: createLegacyMiningMetrics(reference, id, detail) };
  });
  const poll = async () => {
    for (const { source, legacy } of pairs) {
      await source.fleet.pollNow();
      legacy.update([...source.fleet.poller.miners.values()], source.fleet.progress, source.fleet.poller.lastCycle);
    }
  };
  return { context, reference, pairs, poll };
}

describe.each<MetricsDetail>(['miner', 'boards', 'fleet'])('metricsDetail %s', (detail) => {
  it('/metrics and the Influx snapshot hold the same mining_* series and values as the prom-client implementation', async () => {
    const { context, reference, pairs, poll } = await twoSources(detail);
    try {
      const rounds: Array<[string, () => Promise<void>]> = [
        ['first poll', async () => {}],
        [
          'faults',
          async () => {
            await fleet.setFault(0, 'poolSwitch');
            await fleet.setFault(1, 'offline');
            await fleet.setFault(2, 'hot');
            await fleet.setFault(3, 'rejects');
            await fleet.setFault(3, 'fan0');
          },
        ],
        ['faults again', async () => {}],
        [
          'recovered',
          async () => {
            await fleet.clearFaults();
          },
        ],
      ];
      for (const [round, before] of rounds) {
        await before();
        await poll();
        const text = await renderExposition(context.metrics.registry);
        const ours = parsePrometheusText(text);
        const theirs = parsePrometheusText(await reference.registry.metrics());
        const series = seriesOf(ours);
        expect(series.length, round).toBeGreaterThan(8);
        expect(series, round).toEqual(seriesOf(theirs));
        expect(new Set(series).size, `${round}: no duplicate series`).toBe(series.length);
        expect(headersOf(ours), round).toEqual(headersOf(theirs));
        for (const family of ours)
          expect(
            text.split(`\n# HELP ${family.name} `).length - 1 + (text.startsWith(`# HELP ${family.name} `) ? 1 : 0),
            family.name
          ).toBe(1);
        // the slow path (prom-client formatting the families through get()) agrees byte for byte
        expect(text, round).toBe(await context.metrics.registry.metrics());
        const t = 1_700_000_000_000;
        const lines = miningLines(await registryToLines(context.metrics.registry, t));
        expect(lines.length, round).toBeGreaterThan(8);
        expect(lines, round).toEqual(miningLines(await registryToLines(reference.registry, t)));
      }
      const text = await renderExposition(context.metrics.registry);
      expect(text).toContain('miner="rack \\"A\\" 01"');
      expect(text).toContain('miner="line\\nbreak 03"');
      expect(text).toMatch(/^mining_up\{source="farm-a",miner="C:\\\\farm\\\\02",site="lab"\} 1$/m);
    } finally {
      await fleet.clearFaults();
      for (const { source } of pairs) await source.stop();
    }
  });
});

it('a stopped source loses its per-miner lines; the other source keeps them', async () => {
  const { context, pairs, poll } = await twoSources('miner');
  await poll();
  const [farmB, farmA] = pairs.map((p) => p.source);
  await farmA!.stop();
  const text = await renderExposition(context.metrics.registry);
  expect(text).not.toMatch(/^mining_(up|info|hashrate_hashes_per_second|shares_accepted_total)\{source="farm-a"/m);
  expect(text).toMatch(/^mining_up\{source="farm-b",miner="plain-04",site="lab"\} 1$/m);
  // a cycle finishing after stop() does not bring them back
  await farmA!.fleet.pollNow();
  expect(await renderExposition(context.metrics.registry)).not.toMatch(/^mining_up\{source="farm-a"/m);
  await farmB!.stop();
});

it('a miner that leaves the fleet loses its per-miner series', async () => {
  const { pairs, poll } = await twoSources('boards');
  await poll();
  const records = [...pairs[1]!.source.fleet.poller.miners.values()];
  const factory = new MetricFactory();
  const metrics = createMiningMetrics(factory, 'farm', 'boards');
  metrics.update(records, pairs[1]!.source.fleet.progress, null);
  const gone = records[0]!.name;
  expect(await renderExposition(factory.registry)).toContain(
    `mining_board_temperature_celsius{source="farm",miner="${gone.replace(/"/g, '\\"')}"`
  );
  metrics.update(records.slice(1), pairs[1]!.source.fleet.progress, null);
  const text = await renderExposition(factory.registry);
  expect(text).not.toContain(`miner="${gone.replace(/"/g, '\\"')}"`);
  expect(text).toMatch(/^mining_up\{source="farm",miner="C:\\\\farm\\\\02"\} 1$/m);
  for (const { source } of pairs) await source.stop();
});

describe.skipIf(!existsSync(PROMTOOL))('promtool check metrics', () => {
  it('parses /metrics of two cgminer sources with per-board detail', async () => {
    const { context, pairs, poll } = await twoSources('boards');
    try {
      await poll();
      const text = await renderExposition(context.metrics.registry);
      const result = spawnSync(PROMTOOL, ['check', 'metrics'], { input: text, encoding: 'utf8', timeout: 20_000 });
      const output = `${result.stdout}${result.stderr}`;
      expect(output).not.toMatch(/error while linting|parse error|duplicate/i);
      expect([0, 3]).toContain(result.status);
      // lint findings, if any, are not about the pre-rendered families
      for (const line of output.split('\n').filter(Boolean)) expect(line).not.toMatch(/^mining_/);
    } finally {
      for (const { source } of pairs) await source.stop();
    }
  });
});
