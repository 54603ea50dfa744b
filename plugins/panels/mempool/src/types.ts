// Saved panel options of nodescope-mempool-panel. String-valued unions so a dashboard JSON
// stays readable; `schemaVersion` lets migrations.ts recognise older saved shapes.
export const MEMPOOL_OPTIONS_SCHEMA = 1;

export type MempoolMetric = 'auto' | 'vsize' | 'count';
export type MempoolScale = 'linear' | 'log';
export type BandGrouping = 'none' | 'coarse';
export type LegendPlacement = 'right' | 'bottom' | 'hidden';

export interface MempoolOptions {
  schemaVersion: number;
  /** which histogram to draw when both are present: vbytes or transaction counts */
  metric: MempoolMetric;
  scale: MempoolScale;
  /** merge adjacent fee bands into wider ones (fewer colours, easier to read on small panels) */
  bandGrouping: BandGrouping;
  legend: LegendPlacement;
  /** draw the field config's threshold steps as dashed lines */
  showThresholds: boolean;
  /** the projected-blocks strip, when a `mempool.blocks` frame is present */
  showBlocks: boolean;
  /** how many projected blocks the strip shows at most */
  maxBlocks: number;
}

export const DEFAULT_MEMPOOL_OPTIONS: MempoolOptions = {
  schemaVersion: MEMPOOL_OPTIONS_SCHEMA,
  metric: 'auto',
  scale: 'linear',
  bandGrouping: 'none',
  legend: 'right',
  showThresholds: true,
  showBlocks: true,
  maxBlocks: 8,
};
