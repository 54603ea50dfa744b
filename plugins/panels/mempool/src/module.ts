import { FieldConfigProperty, PanelPlugin, ThresholdsMode } from '@grafana/data';
import { MempoolPanel } from './MempoolPanel';
import { migrateMempoolOptions } from './migrations';
import { buildMempoolOptions } from './options';
import type { MempoolOptions } from './types';

export const plugin = new PanelPlugin<MempoolOptions>(MempoolPanel)
  .setPanelOptions(buildMempoolOptions)
  .setMigrationHandler(migrateMempoolOptions)
  .useFieldConfig({
    standardOptions: {
      [FieldConfigProperty.Unit]: {},
      [FieldConfigProperty.Decimals]: {},
      // only a base step: Grafana's default red step at 80 would draw a line near zero vbytes
      [FieldConfigProperty.Thresholds]: { defaultValue: { mode: ThresholdsMode.Absolute, steps: [{ value: -Infinity, color: 'green' }] } },
    },
    disableStandardOptions: [FieldConfigProperty.Color, FieldConfigProperty.Min, FieldConfigProperty.Max, FieldConfigProperty.Mappings, FieldConfigProperty.Links],
  });
