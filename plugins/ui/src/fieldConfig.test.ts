import { FieldConfigProperty, ThresholdsMode } from '@grafana/data';
import { describe, expect, it } from 'vitest';
import { panelFieldConfig } from './fieldConfig';

describe('panelFieldConfig', () => {
  const steps = [{ value: -Infinity, color: 'green' }];

  it('offers unit, decimals and absolute thresholds; colour, min, max and mappings are off', () => {
    expect(panelFieldConfig(steps)).toEqual({
      standardOptions: {
        unit: {},
        decimals: {},
        thresholds: { defaultValue: { mode: ThresholdsMode.Absolute, steps } },
      },
      disableStandardOptions: ['color', 'min', 'max', 'mappings'],
    });
  });

  it('a panel may set the decimals default and turn more options off', () => {
    const config = panelFieldConfig(steps, { decimals: 2, alsoDisable: [FieldConfigProperty.Links] });
    expect(config.standardOptions?.[FieldConfigProperty.Decimals]).toEqual({ defaultValue: 2 });
    expect(config.disableStandardOptions).toEqual(['color', 'min', 'max', 'mappings', 'links']);
  });
});
