import { describe, expect, it } from 'vitest';
import { migrateProfitabilityOptions } from './migrations';
import { DEFAULT_PROFITABILITY_OPTIONS } from './types';

// A panel as a 0.0.x preview saved it (before schemaVersion existed).
const SAVED_PREVIEW_PANEL = JSON.parse(`{
  "id": 9,
  "type": "nodescope-profitability-panel",
  "title": "Profitability",
  "pluginVersion": "0.0.4",
  "targets": [
    { "refId": "A", "sourceId": "profit", "query": "market" },
    { "refId": "B", "sourceId": "profit", "query": "miners" }
  ],
  "fieldConfig": { "defaults": { "unit": "currencyEUR" }, "overrides": [] },
  "options": { "whatIf": { "electricity": 0.11, "poolFee": 1.5 }, "sortDescending": false, "hashpricePerPH": false, "maxMiners": 10 }
}`);

describe('migrateProfitabilityOptions', () => {
  it('maps a 0.0.x saved panel to the current options', () => {
    expect(migrateProfitabilityOptions(SAVED_PREVIEW_PANEL)).toEqual({
      ...DEFAULT_PROFITABILITY_OPTIONS,
      electricityPerKwh: 0.11,
      poolFeePercent: 1.5,
      sort: 'profit-asc',
      hashpriceUnit: 'TH',
      maxMiners: 10,
    });
  });

  it.each([
    [{ whatIf: false }, { showWhatIf: false }],
    [{ sort: 'random', maxMiners: -3 }, { sort: 'profit-desc', maxMiners: DEFAULT_PROFITABILITY_OPTIONS.maxMiners }],
  ])('repairs %o', (options, expected) => {
    expect(migrateProfitabilityOptions({ ...SAVED_PREVIEW_PANEL, options })).toMatchObject(expected);
  });

  it('drops an impossible pool fee (the source\'s fee is used instead)', () => {
    expect(migrateProfitabilityOptions({ ...SAVED_PREVIEW_PANEL, options: { poolFeePercent: 250 } })).not.toHaveProperty('poolFeePercent');
  });

  it('keeps current options as saved', () => {
    const current = { ...DEFAULT_PROFITABILITY_OPTIONS, sort: 'name' as const, electricityPerKwh: 0.04 };
    expect(migrateProfitabilityOptions({ ...SAVED_PREVIEW_PANEL, options: current })).toEqual(current);
  });
});
