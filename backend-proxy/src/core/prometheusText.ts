// Prometheus text exposition format 0.0.4 (prometheus.io/docs/instrumenting/exposition_formats):
// a parser for what upstreams expose (stacks-node :9153, stacks-signer :30001, geth's
// /debug/metrics/prometheus) and a mirror that re-exposes parsed families on our own /metrics
// with a `source` label. Written here rather than taken from npm: the one maintained-looking
// package (parse-prometheus-text-format 1.1.1) drops timestamps and has no types, and geth
// writes a space between the name and `{` (`x {quantile="0.5"} 2`), which strict parsers reject.
import type { Registry } from 'prom-client';

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export interface PromSample {
  /** the sample's own name: `x_bucket`, `x_sum`, `x_count` for histograms */
  name: string;
  labels: Record<string, string>;
  value: number;
  /** ms since epoch when the exposition gave one */
  timestamp?: number;
}

export interface MetricFamily {
  name: string;
  help: string;
  type: MetricType;
  samples: PromSample[];
}

export class PrometheusParseError extends Error {
  override name = 'PrometheusParseError';
  constructor(
    readonly line: number,
    message: string
  ) {
    super(`metrics text line ${line}: ${message}`);
  }
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const TYPES = new Set<MetricType>(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

/** Parses a whole exposition. Throws PrometheusParseError naming the first bad line. */
export function parsePrometheusText(text: string): MetricFamily[] {
  const families = new Map<string, MetricFamily>();
  const family = (name: string): MetricFamily => {
    let found = families.get(name);
    if (!found) {
      found = { name, help: '', type: 'untyped', samples: [] };
      families.set(name, found);
    }
    return found;
  };
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const lineNo = index + 1;
    const line = (lines[index] ?? '').replace(/\r$/, '');
    if (line.trim() === '') continue;
    if (line.startsWith('#')) {
      const meta = /^#\s+(HELP|TYPE)\s+([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\s(.*))?$/.exec(line);
      if (!meta) continue; // an ordinary comment
      const [, keyword, name = '', rest = ''] = meta;
      if (keyword === 'HELP') {
        family(name).help = unescapeHelp(rest);
      } else {
        const type = rest.trim().toLowerCase() as MetricType;
        if (!TYPES.has(type)) throw new PrometheusParseError(lineNo, `unknown metric type "${rest.trim()}" for ${name}`);
        const target = family(name);
        if (target.samples.length > 0) throw new PrometheusParseError(lineNo, `TYPE for ${name} after its samples`);
        target.type = type;
      }
      continue;
    }
    const sample = parseSampleLine(line, lineNo);
    family(familyNameOf(sample.name, families)).samples.push(sample);
  }
  return [...families.values()].filter((f) => f.samples.length > 0 || f.help !== '' || f.type !== 'untyped');
}

/** `x_bucket` belongs to histogram `x`, `x_sum`/`x_count` to histogram or summary `x`. */
function familyNameOf(sampleName: string, families: Map<string, MetricFamily>): string {
  for (const suffix of ['_bucket', '_sum', '_count', '_created']) {
    if (!sampleName.endsWith(suffix)) continue;
    const base = families.get(sampleName.slice(0, -suffix.length));
    if (!base) continue;
    if (suffix === '_bucket' && base.type !== 'histogram') continue;
    if (base.type === 'histogram' || base.type === 'summary') return base.name;
  }
  return sampleName;
}

function parseSampleLine(line: string, lineNo: number): PromSample {
  let rest = line.trimStart();
  const nameMatch = METRIC_NAME.exec(rest);
  if (!nameMatch) throw new PrometheusParseError(lineNo, `expected a metric name, got "${truncate(line)}"`);
  const name = nameMatch[0];
  rest = rest.slice(name.length).trimStart();
  const labels: Record<string, string> = {};
  if (rest.startsWith('{')) {
    rest = rest.slice(1);
    for (;;) {
      rest = rest.trimStart();
      if (rest.startsWith('}')) {
        rest = rest.slice(1);
        break;
      }
      const labelMatch = LABEL_NAME.exec(rest);
      if (!labelMatch) throw new PrometheusParseError(lineNo, `bad label name in "${truncate(line)}"`);
      const labelName = labelMatch[0];
      rest = rest.slice(labelName.length).trimStart();
      if (!rest.startsWith('=')) throw new PrometheusParseError(lineNo, `expected = after label ${labelName}`);
      rest = rest.slice(1).trimStart();
      if (!rest.startsWith('"')) throw new PrometheusParseError(lineNo, `label ${labelName}: value must be quoted`);
      const { value, consumed } = readQuoted(rest, lineNo);
      if (labelName in labels) throw new PrometheusParseError(lineNo, `duplicate label ${labelName}`);
      labels[labelName] = value;
      rest = rest.slice(consumed).trimStart();
      if (rest.startsWith(',')) rest = rest.slice(1);
      else if (!rest.startsWith('}')) throw new PrometheusParseError(lineNo, `expected , or } after label ${labelName}`);
    }
  }
  const parts = rest.trim().split(/\s+/);
  if (parts.length < 1 || parts[0] === '' || parts.length > 2) {
    throw new PrometheusParseError(lineNo, `expected "value [timestamp]" after ${name}, got "${truncate(rest.trim())}"`);
  }
  const value = parseValue(parts[0] ?? '');
  if (value === undefined) throw new PrometheusParseError(lineNo, `bad value "${truncate(parts[0] ?? '')}" for ${name}`);
  const sample: PromSample = { name, labels, value };
  if (parts[1] !== undefined) {
    if (!/^-?\d+$/.test(parts[1])) throw new PrometheusParseError(lineNo, `bad timestamp "${truncate(parts[1])}" for ${name}`);
    sample.timestamp = Number(parts[1]);
  }
  return sample;
}

function readQuoted(text: string, lineNo: number): { value: string; consumed: number } {
  let value = '';
  for (let i = 1; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') return { value, consumed: i + 1 };
    if (ch === '\\') {
      const next = text[++i];
      if (next === 'n') value += '\n';
      else if (next === '\\' || next === '"') value += next;
      else throw new PrometheusParseError(lineNo, `bad escape \\${next ?? ''} in label value`);
    } else value += ch;
  }
  throw new PrometheusParseError(lineNo, 'unterminated label value');
}

function parseValue(text: string): number | undefined {
  const lower = text.toLowerCase();
  if (lower === 'nan') return Number.NaN;
  if (lower === '+inf' || lower === 'inf') return Number.POSITIVE_INFINITY;
  if (lower === '-inf') return Number.NEGATIVE_INFINITY;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return undefined;
  return Number(text);
}

function unescapeHelp(text: string): string {
  return text.replace(/\\(\\|n)/g, (_, c: string) => (c === 'n' ? '\n' : '\\'));
}

function truncate(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Index of families by name. */
export function familiesByName(families: MetricFamily[]): Map<string, MetricFamily> {
  return new Map(families.map((f) => [f.name, f]));
}

/** First sample value of a family whose labels include `match`, or undefined. */
export function sampleValue(
  families: Map<string, MetricFamily>,
  name: string,
  match: Record<string, string> = {}
): number | undefined {
  const family = families.get(name);
  if (!family) return undefined;
  const sample = family.samples.find(
    (s) => s.name === name && Object.entries(match).every(([key, value]) => s.labels[key] === value)
  );
  return sample?.value;
}

// ---------------------------------------------------------------------------------------------
// Re-exposition: one registry entry per family name, holding the samples of every source that
// exposes it, so two Stacks nodes end up as two `source` values of one series name.

interface MirrorValue {
  metricName: string;
  labels: Record<string, string | number>;
  value: number;
}

export class MirroredFamily {
  readonly aggregator = 'sum';
  private readonly bySource = new Map<string, MirrorValue[]>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: MetricType
  ) {}

  setSamples(sourceId: string, values: MirrorValue[]): void {
    this.bySource.set(sourceId, values);
  }

  clearSource(sourceId: string): void {
    this.bySource.delete(sourceId);
  }

  get sourceCount(): number {
    return this.bySource.size;
  }

  // the shape prom-client's Registry reads from a metric
  async get() {
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values: [...this.bySource.values()].flat() };
  }

  reset(): void {
    this.bySource.clear();
  }
}

export interface MirrorOptions {
  /** prepended to every family name (geth's bare `chain_head_block` becomes `geth_chain_head_block`) */
  prefix?: string;
  /** renames families and their samples (wins over prefix) */
  rename?: (name: string) => string;
  /** which families to mirror (by upstream name) */
  include?: (name: string) => boolean;
  /** added to every sample besides `source` (config `labels`, e.g. site) */
  extraLabels?: Record<string, string>;
  /** the `source` label value when it differs from the key the families are tracked under
   * (one source mirroring two endpoints, e.g. a Stacks node and its signer) */
  sourceLabel?: string;
}

const mirrored = new WeakMap<Registry, Map<string, Set<string>>>();

/**
 * Re-exposes parsed families on `registry` for one source, replacing what that source exposed
 * before (families it no longer has disappear). An upstream label named `source` is kept as
 * `exported_source`, as Prometheus does on a label clash.
 */
export function mirrorFamilies(registry: Registry, sourceId: string, families: MetricFamily[], options: MirrorOptions = {}): number {
  let perSource = mirrored.get(registry);
  if (!perSource) mirrored.set(registry, (perSource = new Map()));
  const previous = perSource.get(sourceId) ?? new Set<string>();
  const current = new Set<string>();
  const prefix = options.prefix ?? '';
  const rename = options.rename ?? ((n: string) => prefix + n);
  for (const family of families) {
    if (options.include && !options.include(family.name)) continue;
    const name = rename(family.name);
    let target = registry.getSingleMetric(name) as unknown;
    if (!target) {
      target = new MirroredFamily(name, family.help || `${family.name} as exposed by the upstream`, family.type);
      registry.registerMetric(target as never);
    }
    if (!(target instanceof MirroredFamily)) continue; // a name the proxy already uses for its own metric
    target.setSamples(
      sourceId,
      family.samples.map((sample) => {
        const labels: Record<string, string> = {};
        for (const [key, value] of Object.entries(sample.labels)) labels[key === 'source' ? 'exported_source' : key] = value;
        return { metricName: rename(sample.name), labels: { ...labels, ...(options.extraLabels ?? {}), source: options.sourceLabel ?? sourceId }, value: sample.value };
      })
    );
    current.add(name);
  }
  for (const name of previous) if (!current.has(name)) clearFamily(registry, name, sourceId);
  perSource.set(sourceId, current);
  return current.size;
}

/** Drops every mirrored series of a source (its endpoint went away: stale values would mislead alerts). */
export function clearMirror(registry: Registry, sourceId: string): void {
  const names = mirrored.get(registry)?.get(sourceId);
  if (!names) return;
  for (const name of names) clearFamily(registry, name, sourceId);
  names.clear();
}

function clearFamily(registry: Registry, name: string, sourceId: string): void {
  const target = registry.getSingleMetric(name) as unknown;
  if (target instanceof MirroredFamily) target.clearSource(sourceId);
}
