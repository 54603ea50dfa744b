import { PanelOptionsEditorBuilder, standardEditorsRegistry } from '@grafana/data';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildProfitabilityOptions } from './options';
import { DEFAULT_PROFITABILITY_OPTIONS, type ProfitabilityOptions } from './types';

beforeAll(() => {
  // Grafana's app registers the standard editors; the npm package ships the registry empty
  standardEditorsRegistry.setInit(() => ['radio', 'boolean', 'slider', 'number', 'select'].map((id) => ({ id, name: id, editor: () => null })) as never);
});

describe('buildProfitabilityOptions', () => {
  it('declares every option with the defaults of types.ts', () => {
    const builder = new PanelOptionsEditorBuilder<ProfitabilityOptions>();
    buildProfitabilityOptions(builder);
    const items = builder.getItems();
    const defaults = Object.fromEntries(items.filter((i) => i.defaultValue !== undefined).map((i) => [i.path, i.defaultValue]));
    // the what-if start values default to the source's settings
    expect(items.map((i) => i.path)).toEqual(expect.arrayContaining(['electricityPerKwh', 'poolFeePercent']));
    const { schemaVersion, ...rest } = DEFAULT_PROFITABILITY_OPTIONS;
    expect(schemaVersion).toBe(1);
    expect(defaults).toEqual(rest);
  });

  it('shows the what-if start values only while the controls are on', () => {
    const builder = new PanelOptionsEditorBuilder<ProfitabilityOptions>();
    buildProfitabilityOptions(builder);
    const item = builder.getItems().find((i) => i.path === 'electricityPerKwh')!;
    expect(item.showIf!({ ...DEFAULT_PROFITABILITY_OPTIONS, showWhatIf: true })).toBe(true);
    expect(item.showIf!({ ...DEFAULT_PROFITABILITY_OPTIONS, showWhatIf: false })).toBe(false);
  });
});
