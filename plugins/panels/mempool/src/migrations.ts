import type { PanelMigrationHandler } from '@grafana/data';
import { pick, pickBoolean } from '@nodescope/ui/savedOptions';
import { DEFAULT_MEMPOOL_OPTIONS, MEMPOOL_OPTIONS_SCHEMA, type MempoolOptions } from './types';

/**
 * Brings saved options to the current schema. Panels saved before `schemaVersion` existed (hand
 * written or provisioned dashboards, the 0.0.x previews) used `logScale: boolean`,
 * `mergeBands: boolean` and `blocks: number` (0 = strip off); unknown values fall back to defaults.
 */
export function migrateMempoolOptions(panel: Parameters<PanelMigrationHandler<MempoolOptions>>[0]): MempoolOptions {
  const saved = (panel.options ?? {}) as unknown as Record<string, unknown>;
  if (saved.schemaVersion === MEMPOOL_OPTIONS_SCHEMA) return { ...DEFAULT_MEMPOOL_OPTIONS, ...(saved as unknown as Partial<MempoolOptions>) };
  const D = DEFAULT_MEMPOOL_OPTIONS;
  const blocks = typeof saved.blocks === 'number' ? saved.blocks : undefined;
  const maxBlocks = Number(saved.maxBlocks ?? blocks ?? D.maxBlocks);
  return {
    schemaVersion: MEMPOOL_OPTIONS_SCHEMA,
    metric: pick(saved.metric, ['auto', 'vsize', 'count'] as const, D.metric),
    scale: saved.logScale === true ? 'log' : pick(saved.scale, ['linear', 'log'] as const, D.scale),
    bandGrouping: saved.mergeBands === true ? 'coarse' : pick(saved.bandGrouping, ['none', 'coarse'] as const, D.bandGrouping),
    legend: saved.showLegend === false ? 'hidden' : pick(saved.legend, ['right', 'bottom', 'hidden'] as const, D.legend),
    showThresholds: pickBoolean(saved.showThresholds, D.showThresholds),
    showBlocks: blocks === 0 ? false : pickBoolean(saved.showBlocks, D.showBlocks),
    maxBlocks: Number.isFinite(maxBlocks) && maxBlocks >= 1 ? Math.min(12, Math.round(maxBlocks)) : D.maxBlocks,
  };
}
