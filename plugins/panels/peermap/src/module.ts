import { PanelPlugin } from '@grafana/data';
import { panelFieldConfig } from '@nodescope/ui';
import { DEFAULT_PING_THRESHOLDS } from './colors';
import { migratePeerMapOptions } from './migrations';
import { buildPeerMapOptions } from './options';
import { PeerMapPanel } from './PeerMapPanel';
import type { PeerMapOptions } from './types';

export const plugin = new PanelPlugin<PeerMapOptions>(PeerMapPanel)
  .setNoPadding()
  .setPanelOptions(buildPeerMapOptions)
  .setMigrationHandler(migratePeerMapOptions)
  // ping buckets for "Colour by: ping" (ms)
  .useFieldConfig(panelFieldConfig(DEFAULT_PING_THRESHOLDS));
