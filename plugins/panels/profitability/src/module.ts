import { PanelPlugin } from '@grafana/data';
import { panelFieldConfig } from '@nodescope/ui';
import { migrateProfitabilityOptions } from './migrations';
import { buildProfitabilityOptions } from './options';
import { ProfitabilityPanel } from './ProfitabilityPanel';
import type { ProfitabilityOptions } from './types';

export const plugin = new PanelPlugin<ProfitabilityOptions>(ProfitabilityPanel)
  .setPanelOptions(buildProfitabilityOptions)
  .setMigrationHandler(migrateProfitabilityOptions)
  // profit colours: a loss red, a profit green (thresholds on profit per day)
  .useFieldConfig(panelFieldConfig([{ value: -Infinity, color: 'red' }, { value: 0, color: 'green' }], { decimals: 2 }));
