import { FieldConfigProperty, PanelPlugin, ThresholdsMode } from '@grafana/data';
import { DEFAULT_PING_THRESHOLDS } from './colors';
import { migratePeerMapOptions } from './migrations';
import { buildPeerMapOptions } from './options';
import { PeerMapPanel } from './PeerMapPanel';
import type { PeerMapOptions } from './types';

export const plugin = new PanelPlugin<PeerMapOptions>(PeerMapPanel)
  .setNoPadding()
  .setPanelOptions(buildPeerMapOptions)
  .setMigrationHandler(migratePeerMapOptions)
  .useFieldConfig({
    standardOptions: {
      [FieldConfigProperty.Unit]: {},
      [FieldConfigProperty.Decimals]: {},
      // ping buckets for "Colour by: ping" (ms)
      [FieldConfigProperty.Thresholds]: { defaultValue: { mode: ThresholdsMode.Absolute, steps: DEFAULT_PING_THRESHOLDS } },
    },
    disableStandardOptions: [FieldConfigProperty.Color, FieldConfigProperty.Min, FieldConfigProperty.Max, FieldConfigProperty.Mappings],
  });
