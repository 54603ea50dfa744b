// The host rules and the Host dashboard against the real exporter: Debian bookworm's
// prometheus-node-exporter 1.5.0-1+b6 (node_exporter 1.5.0, the version docker-compose.yml pins),
// started on a loopback port and scraped. Every node_* name the rules and dashboards use must be
// in its real output, with the labels the rules assume, and the rules are evaluated by promtool
// over series built from that real scrape.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ruleLabels } from '../build/alerts.ts';
import { DASHBOARDS } from '../build/dashboards.ts';
import { dashboard, type Json } from '../build/grafana.ts';
import { NODE_EXPORTER_METRICS } from '../build/nodeExporter.ts';
import { renderSummary } from '../build/ruleTests.ts';
import { RULES } from '../build/rules.ts';
import pino from 'pino';
import { DatadirWatch } from '../../backend-proxy/src/core/datadirWatch.ts';
import { HistoryRing } from '../../backend-proxy/src/core/history.ts';
import { MetricFactory } from '../../backend-proxy/src/core/metrics.ts';
import { promqlMetrics } from './codeNames.ts';
import { nodeExporterPackageVersion, startNodeExporter, type NodeExporter } from './nodeExporterServer.ts';
import { PROMTOOL, PROVISIONING } from './paths.ts';

const run = promisify(execFile);

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The text exposition format, as far as sample lines go (no timestamps in node-exporter's output). */
function samples(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
      labels[l[1]!] = l[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

function exprsOfDashboards(): string[] {
  const out: string[] = [];
  for (const spec of [...DASHBOARDS.prometheus, ...DASHBOARDS.nodescope]) {
    const walk = (panels: Json[]) => {
      for (const p of panels) {
        walk((p.panels as Json[] | undefined) ?? []);
        for (const t of (p.targets as Json[] | undefined) ?? []) if (typeof t.expr === 'string') out.push(t.expr);
      }
    };
    walk((dashboard(spec).panels as Json[]) ?? []);
  }
  return out;
}

let exporter: NodeExporter;
let scraped: Sample[];
const work = mkdtempSync(join(tmpdir(), 'nodescope-node-exporter-'));

beforeAll(async () => {
  exporter = await startNodeExporter();
  scraped = samples(await (await fetch(exporter.url)).text());
}, 30_000);

afterAll(() => {
  exporter?.stop();
  rmSync(work, { recursive: true, force: true });
});

const of = (name: string) => scraped.filter((s) => s.name === name);

describe("Debian's prometheus-node-exporter, run for real", () => {
  it('is the package version the compose file pins (1.5.0)', () => {
    expect(nodeExporterPackageVersion()).toMatch(/^1\.5\.0-/);
  });

  it('every node_* name the rules and dashboards use is in its output, and NODE_EXPORTER_METRICS lists exactly those', () => {
    const used = new Set(
      [...RULES.map((r) => r.query), ...exprsOfDashboards()]
        .flatMap((e) => promqlMetrics(e))
        .filter((n) => n.startsWith('node_'))
    );
    expect([...used].sort()).toEqual([...NODE_EXPORTER_METRICS].sort());
    const real = new Set(scraped.map((s) => s.name));
    expect(NODE_EXPORTER_METRICS.filter((n) => !real.has(n))).toEqual([]);
  });

  it('the labels the rules and legends read: device, fstype, mountpoint on filesystems; none on timex and meminfo', () => {
    for (const name of ['node_filesystem_avail_bytes', 'node_filesystem_size_bytes', 'node_filesystem_readonly']) {
      expect(of(name).length, name).toBeGreaterThan(0);
      for (const s of of(name)) expect(Object.keys(s.labels).sort(), name).toEqual(['device', 'fstype', 'mountpoint']);
    }
    for (const name of [
      'node_timex_offset_seconds',
      'node_timex_sync_status',
      'node_timex_maxerror_seconds',
      'node_memory_MemAvailable_bytes',
      'node_memory_MemTotal_bytes',
    ]) {
      expect(
        of(name).map((s) => s.labels),
        name
      ).toEqual([{}]);
    }
    // the rules leave out pseudo filesystems; a real disk must remain (else the disk rules are blind here)
    expect(
      of('node_filesystem_avail_bytes').filter((s) => !/^(tmpfs|ramfs|squashfs|overlay)$/.test(s.labels.fstype!)).length
    ).toBeGreaterThan(0);
  });

  it("the proxy's own statfs and memory readings agree with the exporter's for the same filesystem and host", async () => {
    const root = of('node_filesystem_size_bytes').find((s) => s.labels.mountpoint === '/');
    expect(root, 'node-exporter reports /').toBeDefined();
    const metrics = new MetricFactory();
    const watch = new DatadirWatch(
      'btc',
      { datadir: '/', minFreeShare: 0.1, fullWithinDays: 7, sampleSeconds: 60, trendHours: 24 },
      new HistoryRing(10),
      metrics,
      pino({ level: 'silent' }),
      Date.now
    );
    await watch.sample();
    const latest = watch.snapshot().latest!;
    // both are f_blocks × f_bsize and f_bavail × f_bsize of statfs(2)
    expect(latest.size).toBe(root!.value);
    const avail = of('node_filesystem_avail_bytes').find((s) => s.labels.mountpoint === '/')!.value;
    expect(Math.abs(latest.avail - avail)).toBeLessThan(256 * 2 ** 20); // other processes write meanwhile
    expect(watch.memory!.total).toBe(of('node_memory_MemTotal_bytes')[0]!.value);
    expect(Math.abs(watch.memory!.available - of('node_memory_MemAvailable_bytes')[0]!.value)).toBeLessThan(
      256 * 2 ** 20
    );
  });

  it('promtool evaluates the host rules over series built from the real scrape as worked out here by hand', async () => {
    const host = { job: 'node', instance: 'real:9100' };
    const selector = (name: string, labels: Record<string, string>) =>
      `${name}{${Object.entries({ ...host, ...labels })
        .map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`)
        .join(',')}}`;
    const series: Array<{ series: string; values: string }> = [{ series: selector('up', {}), values: '1x80' }];
    const constant = (s: Sample) => series.push({ series: selector(s.name, s.labels), values: `${s.value}x80` });
    for (const name of NODE_EXPORTER_METRICS) if (name !== 'node_filesystem_avail_bytes') of(name).forEach(constant);

    const at = 70; // minutes
    const key = (l: Record<string, string>) => JSON.stringify([l.device, l.fstype, l.mountpoint]);
    const readonly = new Map(of('node_filesystem_readonly').map((s) => [key(s.labels), s.value]));
    const size = new Map(of('node_filesystem_size_bytes').map((s) => [key(s.labels), s.value]));
    const expected: Record<string, Array<{ labels: Record<string, string>; value: number }>> = {};
    const expect_ = (alert: string, labels: Record<string, string>, value: number) =>
      (expected[alert] ??= []).push({ labels: { ...host, ...labels }, value });

    for (const s of of('node_filesystem_avail_bytes')) {
      // every filesystem fills from its real free space at a whole number of bytes a minute that
      // would empty it in 7 200 minutes (5 days): at minute 70, deriv = −step/60 B/s and the
      // days left are (avail − 70·step) / (step/60 · 86 400) = (avail − 70·step) / (1 440·step)
      const step = Math.max(1, Math.floor(s.value / 7_200));
      series.push({ series: selector(s.name, s.labels), values: `${s.value}-${step}x80` });
      const real = !/^(tmpfs|ramfs|squashfs|overlay)$/.test(s.labels.fstype!) && readonly.get(key(s.labels)) === 0;
      if (!real) continue;
      const left = s.value - at * step;
      if (left > 0 && left / (1_440 * step) < 7) expect_('HostDiskFullSoon', s.labels, left / (1_440 * step));
      const total = size.get(key(s.labels))!;
      if (left / total < 0.1) expect_('HostDiskSpaceLow', s.labels, left / total);
    }
    const one = (name: string) => of(name)[0]!.value;
    if (Math.abs(one('node_timex_offset_seconds')) > 0.05)
      expect_('HostClockOffset', {}, Math.abs(one('node_timex_offset_seconds')));
    // NodeClockNotSynchronising of the mixin: unsynchronised (sync_status 0) with maxerror at 16 s
    if (one('node_timex_sync_status') === 0 && one('node_timex_maxerror_seconds') >= 16)
      expect_('HostClockNotSynchronising', {}, 0);
    const memory = one('node_memory_MemAvailable_bytes') / one('node_memory_MemTotal_bytes');
    if (memory < 0.1) expect_('HostMemoryLow', {}, memory);
    expect(expected.HostDiskFullSoon?.length ?? 0, 'a real disk fills up in this scenario').toBeGreaterThan(0);

    const alerts = [
      'HostDiskFullSoon',
      'HostDiskSpaceLow',
      'HostClockOffset',
      'HostClockNotSynchronising',
      'HostMemoryLow',
      'NodeExporterDown',
    ];
    const tests = [
      {
        name: 'host rules over the real scrape',
        interval: '1m',
        input_series: series,
        alert_rule_test: alerts.map((alert) => {
          const rule = RULES.find((r) => r.alert === alert)!;
          return {
            eval_time: `${at}m`,
            alertname: alert,
            exp_alerts: (expected[alert] ?? []).map((f) => ({
              exp_labels: { ...f.labels, ...ruleLabels(rule) },
              exp_annotations: {
                summary: renderSummary(rule, f.labels, f.value),
                description: rule.description,
                dashboard: `/d/${rule.dashboard}`,
              },
            })),
          };
        }),
      },
    ];
    const file = join(work, 'real.test.yml');
    writeFileSync(
      file,
      stringify(
        { rule_files: [join(PROVISIONING, 'prometheus/nodescope-rules.yml')], evaluation_interval: '1m', tests },
        { lineWidth: 0 }
      )
    );
    const result = await run(PROMTOOL, ['test', 'rules', file], { timeout: 60_000 }).then(
      (r) => ({ code: 0, out: r.stdout + r.stderr }),
      (e: { code?: number; stdout?: string; stderr?: string }) => ({
        code: e.code ?? 1,
        out: `${e.stdout ?? ''}${e.stderr ?? ''}`,
      })
    );
    expect(result.out).toContain('SUCCESS');
    expect(result.code).toBe(0);
  }, 60_000);
});
