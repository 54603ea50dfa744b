import { FieldConfigProperty, type SetFieldConfigOptionsArgs, type Threshold, ThresholdsMode } from '@grafana/data';

/**
 * The field config the nodescope panels offer: unit, decimals (with a default if given) and
 * absolute threshold steps (each panel its own defaults); colour, min, max and value mappings are
 * off, since no panel draws with them, and so is whatever `alsoDisable` names.
 */
export function panelFieldConfig(steps: Threshold[], { decimals, alsoDisable = [] }: { decimals?: number; alsoDisable?: FieldConfigProperty[] } = {}): SetFieldConfigOptionsArgs {
  return {
    standardOptions: {
      [FieldConfigProperty.Unit]: {},
      [FieldConfigProperty.Decimals]: decimals === undefined ? {} : { defaultValue: decimals },
      [FieldConfigProperty.Thresholds]: { defaultValue: { mode: ThresholdsMode.Absolute, steps } },
    },
    disableStandardOptions: [FieldConfigProperty.Color, FieldConfigProperty.Min, FieldConfigProperty.Max, FieldConfigProperty.Mappings, ...alsoDisable],
  };
}
