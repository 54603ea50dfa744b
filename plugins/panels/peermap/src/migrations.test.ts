import { describe, expect, it } from 'vitest';
import { migratePeerMapOptions } from './migrations';
import { DEFAULT_PEERMAP_OPTIONS } from './types';

// A panel as a 0.0.x preview saved it (before schemaVersion existed).
const SAVED_PREVIEW_PANEL = JSON.parse(`{
  "id": 7,
  "type": "nodescope-peermap-panel",
  "title": "Peers",
  "pluginVersion": "0.0.2",
  "targets": [{ "refId": "A", "sourceId": "btc-main", "query": "network.peers" }],
  "fieldConfig": { "defaults": {}, "overrides": [] },
  "options": { "colorMode": "network", "markerSize": "bytes", "clusterDistance": 40 }
}`);

describe('migratePeerMapOptions', () => {
  it('maps a 0.0.x saved panel to the current options', () => {
    expect(migratePeerMapOptions(SAVED_PREVIEW_PANEL)).toEqual({ ...DEFAULT_PEERMAP_OPTIONS, colorBy: 'network', sizeBy: 'traffic', clusterRadius: 40 });
  });

  it.each([
    [{ colorBy: 'rainbow' }, { colorBy: 'direction' }],
    [{ clusterRadius: 500 }, { clusterRadius: 80 }],
    [{ clusterRadius: -1 }, { clusterRadius: DEFAULT_PEERMAP_OPTIONS.clusterRadius }],
    [{ cluster: false, showSide: false }, { cluster: false, showSide: false }],
  ])('repairs %o', (options, expected) => {
    expect(migratePeerMapOptions({ ...SAVED_PREVIEW_PANEL, options })).toMatchObject(expected);
  });

  it('keeps current options as saved', () => {
    const current = { ...DEFAULT_PEERMAP_OPTIONS, colorBy: 'ping' as const };
    expect(migratePeerMapOptions({ ...SAVED_PREVIEW_PANEL, options: current })).toEqual(current);
  });
});
