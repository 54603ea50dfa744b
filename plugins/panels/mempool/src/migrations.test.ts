import { describe, expect, it } from 'vitest';
import { migrateMempoolOptions } from './migrations';
import { DEFAULT_MEMPOOL_OPTIONS } from './types';

// A panel as a 0.0.x preview saved it in a dashboard JSON (before schemaVersion existed).
const SAVED_PREVIEW_PANEL = JSON.parse(`{
  "id": 4,
  "type": "nodescope-mempool-panel",
  "title": "Mempool",
  "pluginVersion": "0.0.3",
  "gridPos": { "h": 12, "w": 24, "x": 0, "y": 0 },
  "datasource": { "type": "nodescope-crypto-datasource", "uid": "nodescope" },
  "targets": [{ "refId": "A", "sourceId": "btc-main", "query": "mempool.histogram" }],
  "fieldConfig": { "defaults": { "unit": "decbytes" }, "overrides": [] },
  "options": { "logScale": true, "mergeBands": true, "blocks": 4, "showLegend": false }
}`);

describe('migrateMempoolOptions', () => {
  it('maps a 0.0.x saved panel to the current options', () => {
    expect(migrateMempoolOptions(SAVED_PREVIEW_PANEL)).toEqual({
      ...DEFAULT_MEMPOOL_OPTIONS,
      scale: 'log',
      bandGrouping: 'coarse',
      maxBlocks: 4,
      legend: 'hidden',
    });
  });

  it('turns the strip off for blocks: 0 and repairs unknown values', () => {
    const migrated = migrateMempoolOptions({ ...SAVED_PREVIEW_PANEL, options: { blocks: 0, metric: 'weight', legend: 'top' } });
    expect(migrated).toMatchObject({ showBlocks: false, metric: 'auto', legend: 'right', maxBlocks: DEFAULT_MEMPOOL_OPTIONS.maxBlocks });
  });

  it('keeps current options as saved', () => {
    const current = { ...DEFAULT_MEMPOOL_OPTIONS, scale: 'log' as const, maxBlocks: 3 };
    expect(migrateMempoolOptions({ ...SAVED_PREVIEW_PANEL, options: current })).toEqual(current);
  });

  it('gives defaults to an empty panel', () => {
    expect(migrateMempoolOptions({ ...SAVED_PREVIEW_PANEL, options: undefined })).toEqual(DEFAULT_MEMPOOL_OPTIONS);
  });
});
