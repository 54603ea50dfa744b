import type { PanelMigrationHandler } from '@grafana/data';
import { pick, pickBoolean } from '@nodescope/ui/savedOptions';
import { DEFAULT_PEERMAP_OPTIONS, PEERMAP_OPTIONS_SCHEMA, type PeerMapOptions } from './types';

/**
 * Brings saved options to the current schema. Before `schemaVersion` (0.0.x previews, hand-written
 * dashboards) the options were `colorMode` (same values), `markerSize` ('fixed' | 'ping' |
 * 'bytes') and `clusterDistance`; unknown values fall back to defaults.
 */
export function migratePeerMapOptions(panel: Parameters<PanelMigrationHandler<PeerMapOptions>>[0]): PeerMapOptions {
  const saved = (panel.options ?? {}) as unknown as Record<string, unknown>;
  if (saved.schemaVersion === PEERMAP_OPTIONS_SCHEMA) return { ...DEFAULT_PEERMAP_OPTIONS, ...(saved as unknown as Partial<PeerMapOptions>) };
  const D = DEFAULT_PEERMAP_OPTIONS;
  const size = saved.markerSize === 'bytes' ? 'traffic' : (saved.sizeBy ?? saved.markerSize);
  const radius = Number(saved.clusterRadius ?? saved.clusterDistance ?? D.clusterRadius);
  return {
    schemaVersion: PEERMAP_OPTIONS_SCHEMA,
    colorBy: pick(saved.colorBy ?? saved.colorMode, ['direction', 'network', 'ping'] as const, D.colorBy),
    sizeBy: pick(size, ['fixed', 'ping', 'traffic'] as const, D.sizeBy),
    cluster: pickBoolean(saved.cluster, D.cluster),
    clusterRadius: Number.isFinite(radius) && radius > 0 ? Math.min(80, Math.max(8, radius)) : D.clusterRadius,
    showSide: pickBoolean(saved.showSide, D.showSide),
  };
}
