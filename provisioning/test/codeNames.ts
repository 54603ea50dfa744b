// The names dashboards and rules may use, read from the code as it is: metric names the proxy's
// sources register (string literals given to MetricFactory, dynamic bitcoin names from their
// generators), the families the Stacks simulator exposes (mirrored as read by the proxy), and
// Prometheus' own `up`. Query names come from the shared catalog.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { hashpsMetricName, HASHPS_BLOCKS, SMART_FEE_METRIC_TARGETS } from '../../backend-proxy/src/sources/bitcoin/metrics.ts';
import { includeGethFamily, renameGethFamily } from '../../backend-proxy/src/sources/geth/metrics.ts';
import { NODE_EXPORTER_METRICS } from '../build/nodeExporter.ts';
import { REPO } from './paths.ts';

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...tsFiles(path));
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

const PREFIXES = /^(bitcoin|mining|freqtrade|stacks|geth|profitability|nodescope|electrum)_[a-z0-9_]+$/;

/** Metric names registered by the proxy (plus histogram/summary sample suffixes). */
export function codeMetricNames(): Set<string> {
  const names = new Set<string>(['up', 'scrape_duration_seconds', 'scrape_samples_scraped']);
  const histograms = new Set<string>();
  for (const file of tsFiles(join(REPO, 'backend-proxy/src/sources')).concat(tsFiles(join(REPO, 'backend-proxy/src/core')), tsFiles(join(REPO, 'backend-proxy/src/http')))) {
    const text = readFileSync(file, 'utf8');
    // fastHistogram: core/metricsHistogram.ts, a histogram with prom-client's exposition
    for (const m of text.matchAll(/\.(gauge|counter|histogram|fastHistogram|summary)\(\s*'([a-z_:][a-z0-9_:]*)'/g)) {
      names.add(m[2]!);
      if (m[1] !== 'gauge' && m[1] !== 'counter') histograms.add(m[2]!);
    }
    // names kept in constants or tables before reaching the factory
    for (const m of text.matchAll(/'([a-z][a-z0-9_]*)'/g)) if (PREFIXES.test(m[1]!) && !m[1]!.endsWith('_')) names.add(m[1]!);
  }
  for (const blocks of HASHPS_BLOCKS) names.add(hashpsMetricName(blocks));
  for (const target of SMART_FEE_METRIC_TARGETS) names.add(`bitcoin_est_smart_fee_${target}`);
  // families the proxy mirrors as the upstream exposes them (simulators are protocol-faithful):
  // stacks_node_*/stacks_signer_* keep their names, geth's get the geth_ prefix
  for (const file of tsFiles(join(REPO, 'backend-proxy/src/simulators/stacks'))) {
    const text = readFileSync(file, 'utf8');
    // help in single or double quotes (the signer's help texts quote their label values)
    for (const m of text.matchAll(/family\(\s*'([a-z_:][a-z0-9_:]*)',\s*(?:'[^']*'|"[^"]*"),\s*'(\w+)'/g)) {
      names.add(m[1]!);
      if (m[2] === 'histogram' || m[2] === 'summary') histograms.add(m[1]!);
    }
  }
  for (const file of tsFiles(join(REPO, 'backend-proxy/src/simulators/geth'))) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:gauge|counter|family)\(\s*'([a-z_:][a-z0-9_:]*)'/g)) if (includeGethFamily(m[1]!)) names.add(renameGethFamily(m[1]!));
    for (const m of text.matchAll(/# TYPE ([a-z_:][a-z0-9_:]*) /g)) if (includeGethFamily(m[1]!)) names.add(renameGethFamily(m[1]!));
  }
  for (const h of histograms) for (const suffix of ['_bucket', '_sum', '_count']) names.add(h + suffix);
  // node-exporter's, held against the real exporter's output in nodeExporter.test.ts
  for (const name of NODE_EXPORTER_METRICS) names.add(name);
  return names;
}

const PROMQL_WORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'offset', 'and', 'or', 'unless', 'bool', 'inf', 'nan', 'atan2']);

/** Metric names a PromQL expression selects (functions, keywords, label lists, numbers removed). */
export function promqlMetrics(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\boffset\s+\S+/g, ' ')
    .replace(/\b\d+(\.\d+)?(e[+-]?\d+)?\b/gi, ' ')
    .replace(/\$\w+/g, ' ');
  const out: string[] = [];
  for (const m of stripped.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?/g)) {
    if (m[2]) continue; // a function call
    if (PROMQL_WORDS.has(m[1]!.toLowerCase())) continue;
    out.push(m[1]!);
  }
  return out;
}

/** Measurements an InfluxQL query reads. */
export function influxMeasurements(query: string): string[] {
  return [...query.matchAll(/FROM\s+"([^"]+)"/gi)].map((m) => m[1]!);
}
