// model -> DataFrameJSON for the chain view: one row per node, every node's getchaintips, and the
// heights / lag history as wide time series (one field per node, named by its source id).
import { toFrame, UNITS, type DataFrameJSON } from '@nodescope/shared';
import type { Comparison, TipRow } from './model.js';

export interface HistorySample {
  t: number;
  best: number | null;
  heights: Record<string, number | null>;
}

export function nodesFrame(c: Comparison): DataFrameJSON {
  const rows = c.rows;
  return toFrame(
    'nodes',
    [
      { name: 'source', type: 'string', values: rows.map((r) => r.source) },
      { name: 'state', type: 'string', values: rows.map((r) => r.state) },
      { name: 'height', type: 'number', values: rows.map((r) => r.height) },
      { name: 'lag_blocks', type: 'number', values: rows.map((r) => r.lagBlocks) },
      { name: 'headers', type: 'number', values: rows.map((r) => r.headers) },
      { name: 'headers_ahead', type: 'number', values: rows.map((r) => r.headersAhead) },
      { name: 'best_hash', type: 'string', values: rows.map((r) => r.hash) },
      {
        name: 'on_best_tip',
        type: 'boolean',
        values: rows.map((r) => (r.hash === null ? null : r.hash === c.bestHash)),
      },
      { name: 'tip_time', type: 'time', values: rows.map((r) => r.tipTime) },
      { name: 'forks', type: 'number', values: rows.map((r) => r.forks) },
      {
        name: 'left_by',
        type: 'string',
        values: rows.map((r) => (r.rejectedBy.length ? r.rejectedBy.join(', ') : null)),
      },
      { name: 'error', type: 'string', values: rows.map((r) => r.error) },
    ],
    { preferredVisualisationType: 'table' }
  );
}

export function tipsFrame(tips: TipRow[]): DataFrameJSON {
  return toFrame(
    'tips',
    [
      { name: 'source', type: 'string', values: tips.map((t) => t.source) },
      { name: 'height', type: 'number', values: tips.map((t) => t.height) },
      { name: 'status', type: 'string', values: tips.map((t) => t.status) },
      { name: 'branchlen', type: 'number', values: tips.map((t) => t.branchlen) },
      { name: 'fork_height', type: 'number', values: tips.map((t) => t.forkHeight) },
      { name: 'hash', type: 'string', values: tips.map((t) => t.hash) },
      { name: 'active_on', type: 'string', values: tips.map((t) => t.activeOn.join(', ')) },
    ],
    { preferredVisualisationType: 'table' }
  );
}

/** Per node over time: its height, or its lag behind the best tip of that moment. */
export function historyFrame(
  name: 'heights' | 'lag',
  sources: string[],
  samples: HistorySample[],
  range: { from: number; to: number }
): DataFrameJSON {
  const inRange = samples.filter((s) => s.t >= range.from && s.t <= range.to);
  const value = (s: HistorySample, source: string) => {
    const h = s.heights[source] ?? null;
    if (name === 'heights') return h;
    return h === null || s.best === null ? null : s.best - h;
  };
  return toFrame(name, [
    { name: 'time', type: 'time', values: inRange.map((s) => s.t) },
    ...sources.map((source) => ({
      name: source,
      type: 'number' as const,
      unit: UNITS.short,
      values: inRange.map((s) => value(s, source)),
    })),
  ]);
}
