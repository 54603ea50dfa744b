// Pure geometry of the stacked chart: which rows to draw at a given width, stacked tops, the y
// scale (linear or log) and axis ticks. No canvas here, so it is tested without a browser.
import type { MempoolHistogram } from './histogram';

export interface TooltipRow {
  label: string;
  color: string;
  value: number;
}
import type { MempoolScale } from './types';

/**
 * Rows to draw: all of them when they fit, else per pixel the row with the largest total (keeps
 * the peaks a mempool chart is read for, and every band of one row stays consistent).
 */
export function pickRows(total: Float64Array, pixels: number): Int32Array {
  const n = total.length;
  const buckets = Math.max(1, Math.floor(pixels));
  if (n <= buckets) return Int32Array.from({ length: n }, (_v, i) => i);
  const rows = new Int32Array(buckets);
  let count = 0;
  for (let b = 0; b < buckets; b++) {
    const start = Math.floor((b * n) / buckets);
    const end = Math.floor(((b + 1) * n) / buckets);
    let best = start;
    for (let i = start + 1; i < end; i++) if (total[i]! > total[best]!) best = i;
    if (end > start) rows[count++] = best;
  }
  return rows.subarray(0, count);
}

/** Cumulative tops per band for the given rows: tops[b][j] = sum of bands 0..b at rows[j]. */
export function stackRows(histogram: MempoolHistogram, rows: Int32Array): Float64Array[] {
  const tops: Float64Array[] = [];
  let below: Float64Array | undefined;
  for (const band of histogram.bands) {
    const top = stackBand(band.values, rows, below);
    tops.push(top);
    below = top;
  }
  return tops;
}

// One band's tops, in its own small function: a first render runs this cold, and V8 compiles a
// small function called once per band after the first few, where the same loop inside
// stackRows ran at interpreter speed for every band (as readHistogram's did, see addColumn).
function stackBand(values: Float64Array, rows: Int32Array, below: Float64Array | undefined): Float64Array {
  const top = new Float64Array(rows.length);
  if (below) for (let j = 0; j < rows.length; j++) top[j] = below[j]! + values[rows[j]!]!;
  else for (let j = 0; j < rows.length; j++) top[j] = values[rows[j]!]!;
  return top;
}

export interface YScale {
  min: number;
  max: number;
  ticks: number[];
  /** value -> 0..1 (0 = bottom) */
  norm(value: number): number;
}

function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const m = raw / power;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 2.5 ? 2.5 : m <= 5 ? 5 : 10) * power;
}

export function yScale(maxValue: number, scale: MempoolScale, tickCount = 5): YScale {
  const max = maxValue > 0 ? maxValue : 1;
  if (scale === 'log') {
    // four decades below the peak: enough to see the small bands under a full mempool
    const top = 10 ** Math.ceil(Math.log10(max));
    const bottom = Math.max(1, top / 1e4);
    const ticks: number[] = [];
    for (let v = bottom; v <= top * 1.0001; v *= 10) ticks.push(v);
    const lo = Math.log10(bottom);
    const hi = Math.log10(top);
    return { min: bottom, max: top, ticks, norm: (v) => (v <= bottom ? 0 : (Math.log10(v) - lo) / (hi - lo)) };
  }
  const step = niceStep(max, tickCount);
  const top = Math.ceil(max / step) * step;
  const ticks: number[] = [];
  for (let v = 0; v <= top + step / 2; v += step) ticks.push(v);
  return { min: 0, max: top, ticks, norm: (v) => v / top };
}

const SECOND = 1_000;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const TIME_STEPS = [SECOND, 5 * SECOND, 15 * SECOND, 30 * SECOND, MINUTE, 5 * MINUTE, 15 * MINUTE, 30 * MINUTE, HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY, 30 * DAY];

/** Tick times on round steps, and the date format that suits the span. */
export function timeTicks(from: number, to: number, pixels: number): { ticks: number[]; format: string } {
  const span = Math.max(1, to - from);
  const wanted = Math.max(2, Math.floor(pixels / 110));
  const step = TIME_STEPS.find((s) => span / s <= wanted) ?? TIME_STEPS[TIME_STEPS.length - 1]!;
  // align to the step in UTC offsets of whole minutes (good enough for axis labels)
  const first = Math.ceil(from / step) * step;
  const ticks: number[] = [];
  for (let t = first; t <= to; t += step) ticks.push(t);
  const format = step >= DAY ? 'MM/DD' : span > DAY ? 'MM/DD HH:mm' : step < MINUTE ? 'HH:mm:ss' : 'HH:mm';
  return { ticks, format };
}

/** Index of the row whose time is nearest `time` (binary search; times ascending). */
export function nearestRow(times: Float64Array, time: number): number {
  let lo = 0;
  let hi = times.length - 1;
  if (hi < 0) return -1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid]! < time) lo = mid + 1;
    else hi = mid;
  }
  if (lo > 0 && Math.abs(times[lo - 1]! - time) <= Math.abs(times[lo]! - time)) return lo - 1;
  return lo;
}

/**
 * Tooltip rows at one time, highest fee first: every non-empty band while they fit, else the
 * biggest bands (still in fee order) and one row summing the smaller rest.
 */
export function tooltipRows(histogram: MempoolHistogram, row: number, maxRows: number): TooltipRow[] {
  const rows = histogram.bands
    .map((band) => ({ label: `${band.label} sat/vB`, color: band.color, value: band.values[row] ?? 0 }))
    .filter((r) => r.value > 0)
    .reverse();
  if (rows.length <= maxRows) return rows;
  const keep = new Set([...rows].sort((a, b) => b.value - a.value).slice(0, maxRows - 1));
  const rest = rows.filter((r) => !keep.has(r));
  return [
    ...rows.filter((r) => keep.has(r)),
    { label: `${rest.length} smaller bands`, color: 'transparent', value: rest.reduce((s, r) => s + r.value, 0) },
  ];
}
