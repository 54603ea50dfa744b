// Frames for the tests, built the way the proxy (shared toFrame) and Grafana's Prometheus
// datasource shape them, decoded with @grafana/data's dataFrameFromJSON as the datasource does.
import { type DataFrame, dataFrameFromJSON } from '@grafana/data';
import { FEE_BAND_EDGES, feeBandLabel, HISTOGRAM_FIELDS, PROJECTED_BLOCK_FIELDS as B, toFrame } from '@nodescope/shared';

export const T0 = Date.UTC(2026, 10, 23, 12, 0);

/** vsize[row][band] -> nodescope's wide `mempool.histogram` (and the count frame when given). */
export function nodescopeHistogram(vsize: number[][], count?: number[][]): DataFrame[] {
  const wide = (name: string, rows: number[][], unit: string) =>
    toFrame(name, [
      { name: HISTOGRAM_FIELDS.time, type: 'time', values: rows.map((_r, i) => T0 + i * 60_000) },
      ...FEE_BAND_EDGES.map((_e, b) => ({
        name: feeBandLabel(b),
        type: 'number' as const,
        values: rows.map((r) => r[b] ?? 0),
        unit,
        labels: { band: feeBandLabel(b) },
      })),
    ]);
  const frames = [wide(HISTOGRAM_FIELDS.vsizeFrame, vsize, 'si:vB')];
  if (count) frames.push(wide(HISTOGRAM_FIELDS.countFrame, count, 'short'));
  return frames.map((f) => dataFrameFromJSON(f as never));
}

/** Prometheus: one frame per (band, source) series, `Time` + `Value` with labels. */
export function prometheusSeries(series: Array<{ band: string; source?: string; times: number[]; values: number[]; metric?: string }>): DataFrame[] {
  return series.map((s) =>
    dataFrameFromJSON({
      schema: {
        refId: 'A',
        meta: { type: 'timeseries-multi' },
        fields: [
          { name: 'Time', type: 'time' },
          { name: 'Value', type: 'number', labels: { __name__: s.metric ?? 'bitcoin_mempool_fee_band_vsize', band: s.band, source: s.source ?? 'btc-main' } },
        ],
      },
      data: { values: [s.times, s.values] },
    } as never)
  );
}

export function blocksFrame(rows: Array<{ vsize: number; median: number; min: number; max: number; tx: number }>): DataFrame {
  return dataFrameFromJSON(
    toFrame('mempool.blocks', [
      { name: B.index, type: 'number', values: rows.map((_r, i) => i) },
      { name: B.tail, type: 'boolean', values: rows.map((r) => r.vsize > 1_000_000) },
      { name: B.txCount, type: 'number', values: rows.map((r) => r.tx) },
      { name: B.vsize, type: 'number', values: rows.map((r) => r.vsize) },
      { name: B.totalFees, type: 'number', values: rows.map(() => 0.1) },
      { name: B.medianFee, type: 'number', values: rows.map((r) => r.median) },
      { name: B.feeMin, type: 'number', values: rows.map((r) => r.min) },
      { name: B.feeMax, type: 'number', values: rows.map((r) => r.max) },
    ]) as never
  );
}

/** 39 bands, `rows` rows: band b holds (b + 1) * 1000 * (row + 1) vbytes. */
export function ramp(rows: number): number[][] {
  return Array.from({ length: rows }, (_r, i) => FEE_BAND_EDGES.map((_e, b) => (b + 1) * 1000 * (i + 1)));
}
