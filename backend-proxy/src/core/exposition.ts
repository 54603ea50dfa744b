// Pre-rendered metric families. prom-client formats every series on every scrape (~7 µs each:
// 350+ ms for 5,000 miners' ~52,000 series), although per-miner values only change when a poll
// completes. A PrerenderedFamily holds, per source, the samples of its last poll and their
// exposition lines, formatted once by the first scrape after the source sets them. It is registered in the
// prom-client registry like any metric, so getMetricsAsJSON (the Influx writer) and
// registry.metrics() still see it; renderExposition (the /metrics route) uses the cached lines.
import { Registry } from 'prom-client';

export type PrerenderedType = 'gauge' | 'counter';

export interface FamilySample {
  /**
   * labels besides `source` (the family adds it), in the order they are written; not changed
   * once given (the escaped text is cached per object)
   */
  labels: Readonly<Record<string, string>>;
  value: number;
}

interface SourceBlock {
  samples: readonly FamilySample[];
  /**
   * exposition lines joined by '\n' ('' without samples), for `defaultsKey`; null until the
   * first scrape after `set` (a poll that no scrape reads is never formatted)
   */
  text: string | null;
  defaultsKey: string;
}

const NEEDS_ESCAPE = /[\\"\n]/;

/** Label value escaping of the text format: backslash, double quote and line feed. */
export function escapeLabelValue(value: string): string {
  return NEEDS_ESCAPE.test(value) ? value.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`)) : value;
}

// `,name="value"` of a labels object, escaped once: a source passes the same object to every
// family of one miner (and may keep it from poll to poll), so a miner's labels are escaped once
// rather than once per series. Labels objects are read-only once given (FamilySample).
const labelTexts = new WeakMap<object, string>();

function labelText(labels: Readonly<Record<string, string>>): string {
  let text = labelTexts.get(labels);
  if (text === undefined) {
    text = '';
    for (const key in labels) if (key !== 'source') text += `,${key}="${escapeLabelValue(labels[key]!)}"`;
    labelTexts.set(labels, text);
  }
  return text;
}

/** HELP text escaping: backslash and line feed. */
function escapeHelp(text: string): string {
  return text.replace(/[\\\n]/g, (c) => (c === '\n' ? '\\n' : '\\\\'));
}

/** Sample values as the format spells them (Go's ParseFloat reads all of these). */
export function formatSampleValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return `${value}`;
}

// prom-client keeps default labels (`site`) private; read them so the cached lines carry them
// exactly as prom-client would (after the series' own labels). Pinned by exposition.test.ts.
function defaultLabelsOf(registry: Registry): Record<string, string> {
  const labels = (registry as unknown as { _defaultLabels?: Record<string, string | number> })._defaultLabels;
  if (!labels) return {};
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(labels)) out[key] = String(value);
  return out;
}

export class PrerenderedFamily {
  readonly aggregator = 'sum';
  private readonly bySource = new Map<string, SourceBlock>();
  private sortedIds: string[] | null = null;

  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: PrerenderedType,
    private readonly registry: Registry
  ) {}

  /** Replaces every series of `sourceId` (series it no longer has disappear). */
  set(sourceId: string, samples: readonly FamilySample[]): void {
    if (!this.bySource.has(sourceId)) this.sortedIds = null;
    // formatted lazily by text(): a 50,000-miner fleet polls faster than it is scraped, and the
    // poll cycle should not pay for lines nobody reads
    this.bySource.set(sourceId, { samples, text: null, defaultsKey: '' });
  }

  /** Drops every series of a source (it stopped: stale values would mislead alerts). */
  clear(sourceId: string): void {
    if (this.bySource.delete(sourceId)) this.sortedIds = null;
  }

  get sourceIds(): string[] {
    this.sortedIds ??= [...this.bySource.keys()].sort();
    return this.sortedIds;
  }

  /** HELP, TYPE and every source's lines (sources by id), as prom-client renders one metric. */
  text(): string {
    return this.pieces().join('');
  }

  /**
   * `text()` as the pieces it is made of: the header, then per source a line feed and its cached
   * lines. Written one by one, a source's lines are never copied into a new string per scrape.
   */
  pieces(): string[] {
    const defaults = defaultLabelsOf(this.registry);
    const key = JSON.stringify(defaults);
    const out = [`# HELP ${this.name} ${escapeHelp(this.help)}\n# TYPE ${this.name} ${this.type}`];
    for (const id of this.sourceIds) {
      const block = this.bySource.get(id)!;
      // first scrape since the source set its samples, or default labels changed since then
      if (block.text === null || block.defaultsKey !== key) {
        block.text = this.format(id, block.samples, defaults);
        block.defaultsKey = key;
      }
      if (block.text !== '') out.push('\n', block.text);
    }
    return out;
  }

  // the shape prom-client's Registry reads from a metric (getMetricsAsJSON, registry.metrics())
  async get() {
    const values: Array<{ labels: Record<string, string>; value: number }> = [];
    for (const id of this.sourceIds) {
      for (const sample of this.bySource.get(id)!.samples)
        values.push({ labels: { source: id, ...sample.labels }, value: sample.value });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  reset(): void {
    this.bySource.clear();
    this.sortedIds = null;
  }

  private format(sourceId: string, samples: readonly FamilySample[], defaults: Record<string, string>): string {
    const head = `${this.name}{source="${escapeLabelValue(sourceId)}"`;
    const defaultEntries = Object.entries(defaults).filter(([key]) => key !== 'source');
    const lines: string[] = new Array<string>(samples.length);
    for (let i = 0; i < samples.length; i++) {
      const { labels, value } = samples[i]!;
      let line = head + labelText(labels);
      // as prom-client: default labels after the series' own, unless the series has that label
      for (const [key, defaultValue] of defaultEntries) {
        if (!(key in labels)) line += `,${key}="${escapeLabelValue(defaultValue)}"`;
      }
      lines[i] = line + '} ' + formatSampleValue(value);
    }
    return lines.join('\n');
  }
}

/** Get-or-create of a pre-rendered family on a registry (several sources of one kind share it). */
export function prerenderedFamily(
  registry: Registry,
  name: string,
  help: string,
  type: PrerenderedType
): PrerenderedFamily {
  const existing = registry.getSingleMetric(name) as unknown;
  if (existing instanceof PrerenderedFamily) return existing;
  if (existing)
    throw new Error(
      `metric ${name} is already registered as a prom-client ${String((existing as { type?: string }).type)}`
    );
  const family = new PrerenderedFamily(name, help, type, registry);
  registry.registerMetric(family as never);
  return family;
}

/**
 * The registry's text exposition in pieces to write one after the other: what registry.metrics()
 * returns, in the same order, except that pre-rendered families are written from their cached
 * lines. A 50,000-miner fleet's /metrics is ~59 MB: sent in pieces, it is never joined into one
 * string (nor copied into one Buffer) per scrape, and a source's cached lines are not copied at all.
 */
export async function expositionChunks(registry: Registry): Promise<string[]> {
  if (registry.contentType !== Registry.PROMETHEUS_CONTENT_TYPE) return [await registry.metrics()];
  // public in prom-client's JavaScript (Registry#getMetricsAsString), absent from its typings
  const formatter = registry as unknown as { getMetricsAsString(metric: unknown): Promise<string> };
  const parts = await Promise.all(
    registry
      .getMetricsAsArray()
      .map(async (metric: unknown) =>
        metric instanceof PrerenderedFamily ? metric.pieces() : [await formatter.getMetricsAsString(metric)]
      )
  );
  // as prom-client joins them: a blank line between metrics, a line feed at the end
  const chunks: string[] = [];
  parts.forEach((pieces, i) => {
    if (i > 0) chunks.push('\n\n');
    chunks.push(...pieces);
  });
  chunks.push('\n');
  return chunks;
}

/** The registry as one text exposition 0.0.4 (the chunks of `expositionChunks` joined). */
export async function renderExposition(registry: Registry): Promise<string> {
  return (await expositionChunks(registry)).join('');
}
