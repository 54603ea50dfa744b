import { FieldConfigProperty, PanelPlugin } from '@grafana/data';
import { panelFieldConfig } from '@nodescope/ui';
import { MempoolPanel } from './MempoolPanel';
import { migrateMempoolOptions } from './migrations';
import { buildMempoolOptions } from './options';
import type { MempoolOptions } from './types';

export const plugin = new PanelPlugin<MempoolOptions>(MempoolPanel)
  .setPanelOptions(buildMempoolOptions)
  .setMigrationHandler(migrateMempoolOptions)
  // only a base step: Grafana's default red step at 80 would draw a line near zero vbytes
  .useFieldConfig(panelFieldConfig([{ value: -Infinity, color: 'green' }], { alsoDisable: [FieldConfigProperty.Links] }));
