// Frames -> the stacked histogram the chart draws. Reads nodescope's wide `mempool.histogram`
// frames (time + one field per band, `labels.band`) and Prometheus' one-frame-per-series shape
// (`bitcoin_mempool_fee_band_vsize{band="10-12"}`), summing series of the same band (several
// nodes) and aligning series on the union of their timestamps.
import { type DataFrame, type Field, FieldType } from '@grafana/data';
import { HISTOGRAM_FIELDS } from '@nodescope/shared';
import { type BandRange, feeColor, formatBandRange, groupEdges, groupIndex, parseBandLabel } from './bands';
import type { BandGrouping, MempoolMetric } from './types';

export type HistogramKind = 'vsize' | 'count';

export interface BandSeries {
  label: string;
  range: BandRange;
  color: string;
  values: Float64Array;
}

export interface MempoolHistogram {
  times: Float64Array;
  /** low fee first */
  bands: BandSeries[];
  kind: HistogramKind;
  origin: 'nodescope' | 'prometheus';
  /** the first band field: its config (unit, decimals, thresholds, display) formats values */
  valueField: Field;
  /** sum of all bands per row, summed while reading (a second pass over 8,640 x 39 values otherwise) */
  total?: Float64Array;
}

interface BandColumn {
  range: BandRange;
  times: ArrayLike<number>;
  values: ArrayLike<number | null | undefined>;
  field: Field;
  kind: HistogramKind;
}

function kindOf(frame: DataFrame, field: Field): HistogramKind {
  if (frame.name === HISTOGRAM_FIELDS.countFrame) return 'count';
  if (frame.name === HISTOGRAM_FIELDS.vsizeFrame) return 'vsize';
  const names = [field.name, frame.name, field.labels?.__name__, field.config.displayNameFromDS].join(' ');
  return /fee_band_(txs|count)|histogram\.count/.test(names) ? 'count' : 'vsize';
}

function bandOf(field: Field): BandRange | undefined {
  const label = field.labels?.[HISTOGRAM_FIELDS.bandLabel];
  if (label !== undefined) return parseBandLabel(label);
  return parseBandLabel(field.name) ?? (field.config.displayNameFromDS ? parseBandLabel(field.config.displayNameFromDS) : undefined);
}

function bandColumns(frames: DataFrame[]): BandColumn[] {
  const columns: BandColumn[] = [];
  for (const frame of frames) {
    const time = frame.fields.find((f) => f.type === FieldType.time);
    if (!time) continue;
    for (const field of frame.fields) {
      if (field.type !== FieldType.number) continue;
      const range = bandOf(field);
      if (range) columns.push({ range, times: time.values, values: field.values, field, kind: kindOf(frame, field) });
    }
  }
  return columns;
}

/** True when the frames carry a fee-band histogram of either origin. */
export function hasHistogram(frames: DataFrame[]): boolean {
  return bandColumns(frames).length > 0;
}

/** Reads the histogram; undefined when no frame has fee-band fields. */
export function readHistogram(frames: DataFrame[], metric: MempoolMetric = 'auto'): MempoolHistogram | undefined {
  const all = bandColumns(frames);
  if (all.length === 0) return undefined;
  const kinds = new Set(all.map((c) => c.kind));
  const kind: HistogramKind = metric === 'auto' ? (kinds.has('vsize') ? 'vsize' : 'count') : kinds.has(metric) ? metric : kinds.has('vsize') ? 'vsize' : 'count';
  const columns = all.filter((c) => c.kind === kind);

  // one shared time column (the wide frame) needs no alignment
  const shared = columns.every((c) => c.times === columns[0]!.times);
  let times: Float64Array;
  let rowOf: (column: BandColumn, i: number) => number;
  if (shared) {
    times = Float64Array.from(columns[0]!.times);
    rowOf = (_c, i) => i;
  } else {
    const unique = new Set<number>();
    for (const c of columns) for (let i = 0; i < c.times.length; i++) unique.add(c.times[i]!);
    times = Float64Array.from(unique).sort();
    const index = new Map<number, number>();
    times.forEach((t, i) => index.set(t, i));
    rowOf = (c, i) => index.get(c.times[i]!)!;
  }

  const byBand = new Map<string, BandSeries>();
  const total = new Float64Array(times.length);
  for (const c of columns) {
    const label = formatBandRange(c.range);
    let series = byBand.get(label);
    if (!series) {
      series = { label, range: c.range, color: feeColor(c.range.lower), values: new Float64Array(times.length) };
      byBand.set(label, series);
    }
    const out = series.values;
    const values = c.values;
    // the wide frame's rows are the output rows: no lookup per value (8,640 x 39 of them)
    if (shared) addColumn(values, out, total);
    else {
      for (let i = 0; i < values.length; i++) {
        const v = values[i];
        if (typeof v === 'number' && Number.isFinite(v)) {
          const row = rowOf(c, i);
          out[row]! += v;
          total[row]! += v;
        }
      }
    }
  }
  const bands = [...byBand.values()].sort((a, b) => a.range.lower - b.range.lower);
  return {
    times,
    bands,
    kind,
    origin: frames.some((f) => f.name?.startsWith(HISTOGRAM_FIELDS.vsizeFrame)) ? 'nodescope' : 'prometheus',
    valueField: columns[0]!.field,
    total,
  };
}

/**
 * Adds a column's finite values into its band and the row totals. Its own small function: a
 * panel's first render often runs this code cold (not yet, or no longer, compiled by V8), and V8
 * compiles a small function called once per band within the first bands of a render, where the
 * loop inside one large function ran at interpreter speed for all 39 (0.3-0.7 ms a column in the
 * panel bench's first renders, against ~0.1 ms compiled).
 */
function addColumn(values: ArrayLike<number | null | undefined>, out: Float64Array, total: Float64Array): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v === 'number' && Number.isFinite(v)) {
      out[i]! += v;
      total[i]! += v;
    }
  }
}

/** Merges adjacent bands into the grouping's wider bands (sums their values). */
export function groupBands(histogram: MempoolHistogram, grouping: BandGrouping): MempoolHistogram {
  if (grouping === 'none') return histogram;
  const edges = groupEdges(grouping);
  const groups = new Map<number, BandSeries>();
  for (const band of histogram.bands) {
    const g = groupIndex(band.range.lower, edges);
    let group = groups.get(g);
    if (!group) {
      const upper = edges[g + 1] ?? null;
      const range = { lower: edges[g]!, upper };
      // the colour of the group's middle fee, so a merged band reads like its members
      const mid = upper === null ? range.lower : (range.lower + upper) / 2;
      group = { label: formatBandRange(range), range, color: feeColor(mid), values: new Float64Array(histogram.times.length) };
      groups.set(g, group);
    }
    for (let i = 0; i < band.values.length; i++) group.values[i]! += band.values[i]!;
  }
  return { ...histogram, bands: [...groups.values()].sort((a, b) => a.range.lower - b.range.lower) };
}

/** Sum of all bands per row (merging bands keeps it: groupBands passes it on). */
export function totals(histogram: MempoolHistogram): Float64Array {
  if (histogram.total) return histogram.total;
  const out = new Float64Array(histogram.times.length);
  for (const band of histogram.bands) for (let i = 0; i < out.length; i++) out[i]! += band.values[i]!;
  return out;
}
