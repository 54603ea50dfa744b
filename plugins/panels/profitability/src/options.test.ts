import { panelOptionItems } from '@nodescope/ui/testing/options';
import { describe, expect, it } from 'vitest';
import { buildProfitabilityOptions } from './options';
import { DEFAULT_PROFITABILITY_OPTIONS } from './types';

describe('buildProfitabilityOptions', () => {
  it('declares every option with the defaults of types.ts', () => {
    const items = panelOptionItems(buildProfitabilityOptions);
    const defaults = Object.fromEntries(items.filter((i) => i.defaultValue !== undefined).map((i) => [i.path, i.defaultValue]));
    // the what-if start values default to the source's settings
    expect(items.map((i) => i.path)).toEqual(expect.arrayContaining(['electricityPerKwh', 'poolFeePercent']));
    const { schemaVersion, ...rest } = DEFAULT_PROFITABILITY_OPTIONS;
    expect(schemaVersion).toBe(1);
    expect(defaults).toEqual(rest);
  });

  it('shows the what-if start values only while the controls are on', () => {
    const item = panelOptionItems(buildProfitabilityOptions).find((i) => i.path === 'electricityPerKwh')!;
    expect(item.showIf!({ ...DEFAULT_PROFITABILITY_OPTIONS, showWhatIf: true })).toBe(true);
    expect(item.showIf!({ ...DEFAULT_PROFITABILITY_OPTIONS, showWhatIf: false })).toBe(false);
  });
});
