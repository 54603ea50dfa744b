// Saved panel options of nodescope-peermap-panel (readable strings; see migrations.ts).
export const PEERMAP_OPTIONS_SCHEMA = 1;

export type ColorBy = 'direction' | 'network' | 'ping';
export type SizeBy = 'fixed' | 'ping' | 'traffic';

export interface PeerMapOptions {
  schemaVersion: number;
  colorBy: ColorBy;
  sizeBy: SizeBy;
  /** merge markers closer than `clusterRadius` px; they split as the map is zoomed in */
  cluster: boolean;
  clusterRadius: number;
  /** the side column: counts of peers that cannot be placed, and the colour legend */
  showSide: boolean;
}

export const DEFAULT_PEERMAP_OPTIONS: PeerMapOptions = {
  schemaVersion: PEERMAP_OPTIONS_SCHEMA,
  colorBy: 'direction',
  sizeBy: 'fixed',
  cluster: true,
  clusterRadius: 24,
  showSide: true,
};
