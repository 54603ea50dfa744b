import { FieldConfigProperty, PanelPlugin, ThresholdsMode } from '@grafana/data';
import { migrateProfitabilityOptions } from './migrations';
import { buildProfitabilityOptions } from './options';
import { ProfitabilityPanel } from './ProfitabilityPanel';
import type { ProfitabilityOptions } from './types';

export const plugin = new PanelPlugin<ProfitabilityOptions>(ProfitabilityPanel)
  .setPanelOptions(buildProfitabilityOptions)
  .setMigrationHandler(migrateProfitabilityOptions)
  .useFieldConfig({
    standardOptions: {
      [FieldConfigProperty.Unit]: {},
      [FieldConfigProperty.Decimals]: { defaultValue: 2 },
      // profit colours: a loss red, a profit green (thresholds on profit per day)
      [FieldConfigProperty.Thresholds]: { defaultValue: { mode: ThresholdsMode.Absolute, steps: [{ value: -Infinity, color: 'red' }, { value: 0, color: 'green' }] } },
    },
    disableStandardOptions: [FieldConfigProperty.Min, FieldConfigProperty.Max, FieldConfigProperty.Mappings, FieldConfigProperty.Color],
  });
