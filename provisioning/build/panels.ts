// Panel builders, one per panel type, in the spirit of grafana-foundation-sdk's
// `new stat.PanelBuilder()` / grafonnet's `stat.new(title)`: `stat(title, queries, options)`.
// The size defaults to Grafana's own default for a new panel (12 x 8); dashboard() lays panels out.
import { statFields, type Json, type PanelSpec, type Target } from './grafana.ts';
import type { Query } from './targets.ts';

/** Everything of a panel but its type, title and queries; `w`/`h` default to 12 x 8. */
export type PanelOptions = Partial<Omit<PanelSpec, 'type' | 'title' | 'targets'>>;

const REF_IDS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

function withRefIds(queries: Query | Query[]): Target[] {
  return (Array.isArray(queries) ? queries : [queries]).map((query, i) => ({ refId: REF_IDS[i]!, ...query }));
}

function panelOfType(type: string) {
  return (title: string, queries: Query | Query[], options: PanelOptions = {}): PanelSpec => ({
    type,
    title,
    w: 12,
    h: 8,
    ...options,
    targets: withRefIds(queries),
  });
}

export const table = panelOfType('table');
export const timeseries = panelOfType('timeseries');
export const stateTimeline = panelOfType('state-timeline');
export const barChart = panelOfType('barchart');
export const barGauge = panelOfType('bargauge');
export const pieChart = panelOfType('piechart');
export const logs = panelOfType('logs');
// the suite's own panels (plugins/panels/*)
export const mempoolPanel = panelOfType('nodescope-mempool-panel');
export const peerMapPanel = panelOfType('nodescope-peermap-panel');
export const profitabilityPanel = panelOfType('nodescope-profitability-panel');

export type StatOptions = PanelOptions & { fields?: string[]; graphMode?: 'none' };

/** A stat; `fields` picks the frame fields it shows (by exact name), `graphMode` overrides the sparkline. */
export function stat(title: string, queries: Query | Query[], options: StatOptions = {}): PanelSpec {
  const { fields, graphMode, ...rest } = options;
  const picked = fields ? { options: statFields(fieldsRegex(fields), graphMode ? { graphMode } : {}) } : {};
  return panelOfType('stat')(title, queries, { ...picked, ...rest });
}

/** Stats that each show some fields of the same queries: `const summary = statsOf(query, { w: 6, h: 4 })`, then `summary('Transactions', ['size'])`. */
export function statsOf(queries: Query | Query[], defaults: StatOptions = {}) {
  return (title: string, fields: string[], options: StatOptions = {}): PanelSpec => stat(title, queries, { ...defaults, ...options, fields });
}

/** `/^name$/` or `/^(a|b)$/`: the reduceOptions.fields regex matching exactly these field names. */
export function fieldsRegex(names: string[]): string {
  return names.length === 1 ? `/^${names[0]}$/` : `/^(${names.join('|')})$/`;
}

/** A full-width row header. */
export function row(title: string): PanelSpec {
  return { type: 'row', title, w: 24, h: 1, collapsed: false };
}

/** Threshold steps: the base colour, then `[from, colour]` pairs. */
export function steps(base: string, ...above: Array<[number, string]>): PanelSpec['thresholds'] {
  return [[null, base], ...above];
}

/** A field override setting properties on the field named `field`. */
export function override(field: string, properties: Json): Json {
  return { matcher: { id: 'byName', options: field }, properties: Object.entries(properties).map(([id, value]) => ({ id, value })) };
}

// --- transformations ---------------------------------------------------------------------------

/** Keep only the fields with these names. */
export function keepFields(...names: string[]): Json {
  return { id: 'filterFieldsByName', options: { include: { names } } };
}

/** Keep only the fields whose names match the regular expression. */
export function keepFieldsMatching(pattern: string): Json {
  return { id: 'filterFieldsByName', options: { include: { pattern } } };
}

/** One row per value of `field`, with the count of `counted` (a pie of rows by category). */
export function countBy(field: string, counted: string): Json {
  return { id: 'groupBy', options: { fields: { [field]: { aggregations: [], operation: 'groupby' }, [counted]: { aggregations: ['count'], operation: 'aggregate' } } } };
}
