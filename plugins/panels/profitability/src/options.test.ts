import { expectDefaultsDeclared, optionShownWith, panelOptionItems } from '@nodescope/ui/testing/options';
import { describe, expect, it } from 'vitest';
import { buildProfitabilityOptions } from './options';
import { DEFAULT_PROFITABILITY_OPTIONS as D } from './types';

describe('buildProfitabilityOptions', () => {
  it('declares every option with the defaults of types.ts', () => {
    expectDefaultsDeclared(buildProfitabilityOptions, D);
    // the what-if start values are declared without a default: they default to the source's settings
    expect(panelOptionItems(buildProfitabilityOptions).map((i) => i.path)).toEqual(expect.arrayContaining(['electricityPerKwh', 'poolFeePercent']));
  });

  it('shows the what-if start values only while the controls are on', () => {
    expect(optionShownWith(buildProfitabilityOptions, 'electricityPerKwh', { ...D, showWhatIf: true }, { ...D, showWhatIf: false })).toEqual([true, false]);
  });
});
