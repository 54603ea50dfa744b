import type { PanelOptionsEditorBuilder } from '@grafana/data';
import { DEFAULT_PROFITABILITY_OPTIONS as D, type ProfitabilityOptions } from './types';

export function buildProfitabilityOptions(builder: PanelOptionsEditorBuilder<ProfitabilityOptions>): PanelOptionsEditorBuilder<ProfitabilityOptions> {
  const whatIf = (o: ProfitabilityOptions) => o.showWhatIf;
  return builder
    .addRadio({
      path: 'sort',
      name: 'Sort miners',
      defaultValue: D.sort,
      settings: { options: [{ value: 'profit-desc', label: 'Most profitable' }, { value: 'profit-asc', label: 'Least profitable' }, { value: 'name', label: 'Name' }] },
    })
    .addNumberInput({ path: 'maxMiners', name: 'Miners shown', defaultValue: D.maxMiners, settings: { min: 1, max: 500, integer: true } })
    .addRadio({
      path: 'hashpriceUnit',
      name: 'Hashprice per',
      defaultValue: D.hashpriceUnit,
      settings: { options: [{ value: 'TH', label: 'TH/s' }, { value: 'PH', label: 'PH/s' }] },
    })
    .addBooleanSwitch({ path: 'showHistory', name: 'P&L history', description: 'Chart of fleet.history when the query returns it', defaultValue: D.showHistory })
    .addBooleanSwitch({ path: 'showWhatIf', name: 'What-if controls', description: 'Electricity price, efficiency and pool fee sliders, computed in the browser', defaultValue: D.showWhatIf, category: ['What if'] })
    .addNumberInput({ path: 'electricityPerKwh', name: 'Start electricity price (per kWh)', description: 'Empty: the source’s configured price', settings: { min: 0, step: 0.005 }, showIf: whatIf, category: ['What if'] })
    .addNumberInput({ path: 'poolFeePercent', name: 'Start pool fee (%)', description: 'Empty: the source’s configured fee', settings: { min: 0, max: 100, step: 0.1 }, showIf: whatIf, category: ['What if'] });
}
